"""EGM requests: WES 10(e) six members within four days, Bright 9.2 four within three;
when the threshold is reached the committee is told and the deadline to call runs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lets_platform import clock
from lets_platform.db import db
from lets_platform.testing import assert_problem
from lets_tenants.governance import notify
from lets_tenants.governance.tasks import remind_minutes


def _sign(world, request: int, who: str):
    return world.as_[who].post(f"{world.path}/egm-requests/{request}/signatures")


@pytest.mark.parametrize(
    ("template", "needed", "days", "clause"),
    [("wiltshire", 6, 4, "10(e)"), ("bright", 4, 3, "9.2")],
)
def test_the_threshold_within_its_window_tells_the_committee_and_starts_the_deadline(
    governed, template, needed, days, clause, fake_clock
):
    world = governed(template, members=6)
    opened = world.as_["m1"].post(f"{world.path}/egm-requests", {"purpose": "Discuss the fees"})
    assert (opened.json["members_needed"], opened.json["clause"]) == (needed, clause)
    for i in range(2, needed):
        assert _sign(world, opened.json["id"], f"m{i}").json["state"] == "open"

    reached = _sign(world, opened.json["id"], f"m{needed}").json

    assert (reached["state"], reached["signatures"]) == ("reached", needed)
    call_by = datetime.fromisoformat(reached["call_by"])
    assert call_by == clock.now() + timedelta(days=days)


def test_the_committee_is_mailed_when_the_threshold_is_reached(governed, monkeypatch):
    mails: list[tuple[str, str]] = []
    monkeypatch.setattr(notify, "queue", lambda to, subject, body, **_: mails.append((to, body)))
    world = governed("bright", members=4)
    opened = world.as_["m1"].post(f"{world.path}/egm-requests", {"purpose": "Fees"}).json
    for who in ("m2", "m3", "m4"):
        _sign(world, opened["id"], who)

    told = {to for to, _ in mails}
    assert all("clause 9.2" in body for _, body in mails)

    assert {f"{h}@bright.test" for h in ("chair", "sec", "tres", "vic", "cm")} <= told


def test_a_signature_after_the_window_is_refused(governed, fake_clock):
    world = governed("bright", members=4)
    opened = world.as_["m1"].post(f"{world.path}/egm-requests", {"purpose": "Fees"}).json
    fake_clock.advance(days=3, minutes=1)

    response = _sign(world, opened["id"], "m2")

    assert assert_problem(response, 409, "egm_request_closed")["clause"] == "9.2"


def test_no_member_signs_twice(governed):
    world = governed("bright", members=2)
    opened = world.as_["m1"].post(f"{world.path}/egm-requests", {"purpose": "Fees"}).json

    assert_problem(_sign(world, opened["id"], "m1"), 409, "already_signed")


def test_an_egm_called_for_a_request_closes_it(governed):
    world = governed("bright", members=4)
    opened = world.as_["m1"].post(f"{world.path}/egm-requests", {"purpose": "Fees"}).json
    for who in ("m2", "m3", "m4"):
        _sign(world, opened["id"], who)
    starts = (clock.now() + timedelta(days=8)).isoformat()

    meeting = (
        world.as_["sec"]
        .post(
            f"{world.path}/meetings",
            {"kind": "egm", "starts_at": starts, "egm_request": opened["id"]},
        )
        .json
    )

    request = world.as_["m1"].get(f"{world.path}/egm-requests").json[0]
    assert (request["state"], request["meeting"]) == ("called", meeting["id"])


def test_the_committee_is_reminded_once_before_the_minutes_are_due(governed, fake_clock):
    world = governed("wiltshire", members=1)
    starts = (clock.now() + timedelta(days=1)).isoformat()
    meeting = (
        world.as_["sec"]
        .post(f"{world.path}/meetings", {"kind": "committee", "starts_at": starts})
        .json
    )
    fake_clock.advance(days=1, minutes=1)
    world.as_["sec"].call(
        "PUT",
        f"{world.path}/meetings/{meeting['id']}/attendance",
        json={"entries": [{"handle": "sec", "presence": "present"}]},
        headers=world.as_["sec"]._headers(None),
    )

    assert remind_minutes() == 0
    fake_clock.advance(days=23)
    assert remind_minutes() == 1
    db.session.commit()
    assert remind_minutes() == 0


def test_a_reached_request_not_called_by_its_deadline_is_overdue(governed, fake_clock):
    world = governed("bright", members=4)
    opened = world.as_["m1"].post(f"{world.path}/egm-requests", {"purpose": "Fees"}).json
    for who in ("m2", "m3", "m4"):
        _sign(world, opened["id"], who)
    assert world.as_["m1"].get(f"{world.path}/egm-requests").json[0]["overdue"] is False

    fake_clock.advance(days=3, minutes=1)

    assert world.as_["m1"].get(f"{world.path}/egm-requests").json[0]["overdue"] is True


def test_racing_signatures_tell_the_committee_once(governed, app, monkeypatch):
    import threading

    from lets_platform.identity.models import Person
    from lets_platform.tenancy import scope
    from lets_platform.tenancy.operations import get_scheme
    from lets_tenants.governance import egm

    mails: list[str] = []
    monkeypatch.setattr(notify, "queue", lambda to, subject, body, **_: mails.append(to))
    world = governed("bright", members=7)
    opened = world.as_["m1"].post(f"{world.path}/egm-requests", {"purpose": "Fees"}).json
    signers = [world.people[f"m{i}"].id for i in range(2, 8)]
    db.session.commit()

    def run(person_id: int) -> None:
        with app.app_context():
            scope.allow_all()
            scheme = get_scheme("bright")
            egm.sign(
                scheme,
                egm.get_request(scheme, opened["id"]),
                actor=db.session.get_one(Person, person_id),
            )
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=run, args=(p,)) for p in signers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    request = world.as_["m1"].get(f"{world.path}/egm-requests").json[0]
    assert (request["state"], request["signatures"]) == ("reached", 7)
    assert sorted(mails) == sorted(
        f"{h}@bright.test" for h in ("chair", "sec", "tres", "vic", "cm")
    )
