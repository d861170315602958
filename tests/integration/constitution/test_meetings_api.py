"""Meetings as the seed constitutions require: notice (WES 10(g), Bright 9.3), quorum
(WES 6(d) and 10(h), Bright 7.5 and 9.4), minutes within a month (WES 6(c)), and three
absences without notice as resignation (WES 6(e), Bright 7.6)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lets_platform import clock
from lets_platform.testing import assert_problem, db_state


def _in(days: float) -> str:
    return (clock.now() + timedelta(days=days)).isoformat()


def _schedule(world, kind: str, days: float, **more):
    body = {"kind": kind, "title": f"{kind} meeting", "starts_at": _in(days), **more}
    return world.as_["sec"].post(f"{world.path}/meetings", body)


def _attend(world, meeting: int, present: list[str], **others: str):
    entries = [{"handle": h, "presence": "present"} for h in present]
    entries += [{"handle": h, "presence": p} for h, p in others.items()]
    return world.as_["sec"].call(
        "PUT",
        f"{world.path}/meetings/{meeting}/attendance",
        json={"entries": entries},
        headers=world.as_["sec"]._headers(None),
    )


@pytest.mark.parametrize(
    ("template", "kind", "days", "clause"),
    [
        ("wiltshire", "agm", 14, "10(g)"),
        ("wiltshire", "egm", 7, "10(g)"),
        ("bright", "agm", 14, "9.3"),
        ("bright", "egm", 7, "9.3"),
    ],
)
def test_a_general_meeting_with_too_little_notice_is_refused_naming_the_rule(
    governed, template, kind, days, clause
):
    world = governed(template, members=1)
    before = db_state()

    response = _schedule(world, kind, days - 1)

    body = assert_problem(response, 422, "notice_too_short")
    assert (body["rule"], body["clause"], body["days"]) == (f"{kind}_notice_days", clause, days)
    assert f"{days} days" in body["detail"] and clause in body["detail"]
    assert db_state() == before


def test_a_general_meeting_with_its_notice_is_scheduled_and_members_add_items(governed):
    world = governed("wiltshire", members=2)

    meeting = _schedule(world, "agm", 14.01)
    assert meeting.status_code == 201, meeting.json
    added = world.as_["m1"].post(
        f"{world.path}/meetings/{meeting.json['id']}/agenda", {"title": "Fees for 2027"}
    )

    assert added.status_code == 201, added.json
    assert added.json["agenda"] == [
        {
            "id": added.json["agenda"][0]["id"],
            "title": "Fees for 2027",
            "detail": "",
            "submitted_by": "m1",
        }
    ]


def test_a_member_adds_nothing_to_a_committee_meetings_agenda(governed):
    world = governed("wiltshire", members=1)
    meeting = _schedule(world, "committee", 1).json

    response = world.as_["m1"].post(f"{world.path}/meetings/{meeting['id']}/agenda", {"title": "x"})

    assert_problem(response, 403, "not_permitted")


@pytest.mark.parametrize(
    ("present", "quorate"), [(["chair", "sec"], False), (["chair", "sec", "tres"], True)]
)
def test_committee_quorum_is_a_majority_or_five_wes_6d(governed, fake_clock, present, quorate):
    world = governed("wiltshire", members=1)
    meeting = _schedule(world, "committee", 1).json
    fake_clock.advance(days=1, minutes=1)

    response = _attend(world, meeting["id"], present)

    assert response.status_code == 200, response.json
    assert (response.json["met"], response.json["committee_needed"]) == (quorate, 3)
    assert response.json["clause"] == "6(d)"


def test_general_quorum_is_two_thirds_of_the_committee_and_five_others_bright_9_4(
    governed, fake_clock
):
    world = governed("bright", members=5)
    meeting = _schedule(world, "agm", 15).json
    fake_clock.advance(days=15, minutes=1)

    short = _attend(world, meeting["id"], ["chair", "sec", "tres", "vic", "m1", "m2", "m3", "m4"])
    assert (short.json["met"], short.json["members_needed"]) == (False, 5)
    quorate = _attend(world, meeting["id"], ["m5"])

    assert quorate.json == {
        "met": True,
        "committee_needed": 4,
        "members_needed": 5,
        "committee_present": 4,
        "others_present": 5,
        "clause": "9.4",
    }


def test_an_inquorate_general_meeting_is_called_again_within_a_month(governed, fake_clock):
    world = governed("wiltshire", members=1)
    first = _schedule(world, "egm", 8).json
    fake_clock.advance(days=8, minutes=1)
    assert _attend(world, first["id"], ["chair"]).json["met"] is False

    late = _schedule(world, "egm", 40, reconvenes=first["id"])
    again = _schedule(world, "egm", 10, reconvenes=first["id"])

    body = assert_problem(late, 422, "reconvene_too_late")
    assert (body["clause"], body["days"]) == ("10(h)", 30)
    assert again.status_code == 201 and again.json["reconvenes"] == first["id"]


def test_minutes_are_published_to_members_with_their_deadline(governed, fake_clock):
    world = governed("wiltshire", members=1)
    meeting = _schedule(world, "committee", 1).json
    fake_clock.advance(days=1, hours=2)
    _attend(world, meeting["id"], ["chair", "sec", "tres"])

    published = world.as_["sec"].post(
        f"{world.path}/meetings/{meeting['id']}/minutes", {"minutes": "Agreed the budget."}
    )
    seen = world.as_["m1"].get(f"{world.path}/meetings/{meeting['id']}")

    assert published.status_code == 200, published.json
    assert seen.json["minutes"] == "Agreed the budget."
    assert seen.json["minutes_published_at"] is not None
    starts = datetime.fromisoformat(seen.json["starts_at"])
    assert datetime.fromisoformat(seen.json["minutes_due"]) == starts + timedelta(days=30)


def test_three_absences_without_notice_are_deemed_resignation_wes_6e(governed, fake_clock):
    world = governed("wiltshire", members=1)
    for _ in range(3):
        meeting = _schedule(world, "committee", 1).json
        fake_clock.advance(days=1, minutes=1)
        _attend(world, meeting["id"], ["chair", "sec", "tres"], vic="apologies", cm="absent")

    flagged = world.as_["m1"].get(f"{world.path}/committee/deemed-resigned").json

    assert flagged == [{"member": "cm", "absences": 3, "clause": "6(e)"}]


def test_two_absences_are_not_yet_resignation(governed, fake_clock):
    world = governed("bright", members=1)
    for _ in range(2):
        meeting = _schedule(world, "committee", 1).json
        fake_clock.advance(days=1, minutes=1)
        _attend(world, meeting["id"], ["chair", "sec", "tres"], cm="absent")

    assert world.as_["m1"].get(f"{world.path}/committee/deemed-resigned").json == []


def test_a_member_deemed_resigned_is_told_once_wes_6e(governed, fake_clock, monkeypatch):
    from lets_platform.db import db
    from lets_tenants.governance import notify
    from lets_tenants.governance.tasks import notify_deemed_resigned

    mails: list[str] = []
    monkeypatch.setattr(notify, "queue", lambda to, subject, body, **_: mails.append(to))
    world = governed("wiltshire", members=1)
    for _ in range(3):
        meeting = _schedule(world, "committee", 1).json
        fake_clock.advance(days=1, minutes=1)
        _attend(world, meeting["id"], ["chair", "sec", "tres", "vic"], cm="absent")

    assert notify_deemed_resigned() == 1
    db.session.commit()
    assert notify_deemed_resigned() == 0
    assert mails == ["cm@wiltshire.test"]


def test_a_committee_meeting_and_an_agm_are_due_by_the_constitution_wes_6a_10a(
    governed, fake_clock
):
    world = governed("wiltshire", members=1)
    assert world.as_["m1"].get(f"{world.path}/meetings-due").json == []
    _schedule(world, "committee", 1)

    fake_clock.advance(days=94)
    due = world.as_["m1"].get(f"{world.path}/meetings-due").json

    assert [(d["kind"], d["days"], d["clause"]) for d in due] == [("committee", 92, "6(a)")]
    fake_clock.advance(days=300)
    kinds = {d["kind"]: d["clause"] for d in world.as_["m1"].get(f"{world.path}/meetings-due").json}
    assert kinds == {"committee": "6(a)", "agm": "10(a)"}
