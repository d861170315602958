"""Motions and ballots: one member one vote (a unique key), organisational members through
their representative, majorities from the constitution (WES 12(b), Bright 12.2), changes
only at the meetings the text names and after its consultation (WES 12(a), Bright 11.1),
and a carried wind-up ballot that starts the wind-up with no typed totals."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lets_federation.windup.models import WindUp
from lets_platform import clock
from lets_platform.db import db
from lets_platform.testing import assert_problem, db_state
from lets_tenants.constitution.models import ConstitutionVersion
from lets_tenants.governance.models import Vote
from lets_tenants.joining.models import Standing
from lets_tenants.membership.operations import get_member


def _in(days: float) -> str:
    return (clock.now() + timedelta(days=days)).isoformat()


def _meeting(world, kind: str, fake_clock, present: list[str]) -> int:
    days = {"agm": 15, "egm": 8, "committee": 1}[kind]
    meeting = (
        world.as_["sec"].post(f"{world.path}/meetings", {"kind": kind, "starts_at": _in(days)}).json
    )
    fake_clock.advance(days=days, minutes=1)
    entries = [{"handle": h, "presence": "present"} for h in present]
    world.as_["sec"].call(
        "PUT",
        f"{world.path}/meetings/{meeting['id']}/attendance",
        json={"entries": entries},
        headers=world.as_["sec"]._headers(None),
    )
    return meeting["id"]


def _vote(world, ballot: int, who: str, choice: str, **more):
    return world.as_[who].post(f"{world.path}/ballots/{ballot}/votes", {"choice": choice, **more})


def test_no_member_votes_twice(governed):
    world = governed("wiltshire", members=2)
    ballot = world.as_["sec"].post(f"{world.path}/ballots", {"question": "Picnic?"}).json

    assert _vote(world, ballot["id"], "m1", "for").status_code == 201
    before = db_state()
    again = _vote(world, ballot["id"], "m1", "against")

    assert_problem(again, 409, "already_voted")
    assert db_state() == before


def test_an_organisational_member_votes_once_through_its_representative(governed):
    world = governed("wiltshire", members=2)
    org = get_member(world.scheme, "m2")
    db.session.add(
        Standing(
            scheme_id=world.scheme.id,
            membership_id=org.id,
            kind="organisation",
            organisation="Trowbridge Food Co-op",
            representative_id=world.people["m1"].id,
        )
    )
    db.session.commit()
    ballot = world.as_["sec"].post(f"{world.path}/ballots", {"question": "Picnic?"}).json

    own = _vote(world, ballot["id"], "m1", "for")
    for_org = _vote(world, ballot["id"], "m1", "against", member="m2")
    twice = _vote(world, ballot["id"], "m1", "for", member="m2")
    stranger = _vote(world, ballot["id"], "chair", "for", member="m2")

    assert (own.json["member"], for_org.json["member"]) == ("m1", "m2")
    assert_problem(twice, 409, "already_voted")
    assert_problem(stranger, 403, "no_vote")


def test_a_motion_is_voted_by_those_present(governed, fake_clock):
    world = governed("wiltshire", members=6)
    present = ["chair", "sec", "tres", "vic", "m1", "m3", "m4", "m5", "m6"]
    meeting = _meeting(world, "agm", fake_clock, present)
    motion = (
        world.as_["sec"]
        .post(f"{world.path}/ballots", {"question": "Publish the newsletter", "meeting": meeting})
        .json
    )

    first = _vote(world, motion["id"], "m1", "for")
    assert first.status_code == 201, first.json
    assert_problem(_vote(world, motion["id"], "m2", "for"), 409, "not_present")


def test_members_attend_committee_meetings_but_do_not_vote_wes_6d(governed, fake_clock):
    world = governed("wiltshire", members=1)
    meeting = _meeting(world, "committee", fake_clock, ["chair", "sec", "tres", "m1", "olive"])
    motion = (
        world.as_["sec"]
        .post(f"{world.path}/ballots", {"question": "Publish the newsletter", "meeting": meeting})
        .json
    )

    assert _vote(world, motion["id"], "chair", "for").status_code == 201
    assert _vote(world, motion["id"], "olive", "for").status_code == 201  # administration
    assert_problem(_vote(world, motion["id"], "m1", "for"), 409, "not_a_voting_member")


def test_wes_changes_its_constitution_at_an_agm_by_two_thirds_after_consultation(
    governed, fake_clock
):
    world = governed("wiltshire", members=5)
    present = ["chair", "sec", "tres", "vic", "m1", "m2", "m3", "m4", "m5"]
    meeting = _meeting(world, "agm", fake_clock, present)
    motion = (
        world.as_["sec"]
        .post(
            f"{world.path}/ballots",
            {
                "question": "EGM notice of ten days",
                "meeting": meeting,
                "purpose": "constitution_change",
                "changes": {"egm_notice_days": 10},
            },
        )
        .json
    )
    assert (motion["majority"], motion["clause"]) == ("two_thirds_of_votes_cast", "12(b)")
    for who in present[:6]:
        _vote(world, motion["id"], who, "for")
    for who in present[6:9]:
        _vote(world, motion["id"], who, "against")

    closed = world.as_["sec"].post(f"{world.path}/ballots/{motion['id']}/close").json
    assert (closed["passed"], closed["adoption_pending"]) == (True, True)
    assert world.as_["m1"].get(f"{world.path}/constitution").json["number"] == 1
    world.as_["sec"].post(
        f"{world.path}/ballots/{motion['id']}/consultation",
        {"consultation": "LETSlink UK agreed by email, 2 Dec 2026"},
    )

    current = world.as_["m1"].get(f"{world.path}/constitution").json
    assert (current["number"], current["authority"], current["ballot"], current["meeting"]) == (
        2,
        "motion",
        motion["id"],
        meeting,
    )
    assert current["changes"] == [
        {
            "parameter": "egm_notice_days",
            "label": "EGM notice (days)",
            "clause": "10(g)",
            "before": 7,
            "after": 10,
        }
    ]


def test_a_change_short_of_two_thirds_makes_no_version(governed, fake_clock):
    world = governed("wiltshire", members=5)
    present = ["chair", "sec", "tres", "vic", "m1", "m2", "m3", "m4", "m5"]
    meeting = _meeting(world, "egm", fake_clock, present)
    motion = (
        world.as_["sec"]
        .post(
            f"{world.path}/ballots",
            {
                "question": "No fees",
                "meeting": meeting,
                "purpose": "constitution_change",
                "changes": {"agm_notice_days": 21},
            },
        )
        .json
    )
    world.as_["sec"].post(
        f"{world.path}/ballots/{motion['id']}/consultation",
        {"consultation": "LETSlink regional network"},
    )
    choices = ["for"] * 5 + ["against"] * 3 + ["abstain"]  # 5 of 8 cast: short of two thirds
    for who, choice in zip(present, choices, strict=True):
        _vote(world, motion["id"], who, choice)

    closed = world.as_["sec"].post(f"{world.path}/ballots/{motion['id']}/close").json

    assert closed["passed"] is False
    assert db.session.scalar(select(db.func.count()).select_from(ConstitutionVersion)) == 1


def test_bright_changes_its_constitution_only_at_an_agm_11_1(governed, fake_clock):
    world = governed("bright", members=1)
    meeting = _meeting(world, "egm", fake_clock, ["chair"])
    before = db_state()

    response = world.as_["sec"].post(
        f"{world.path}/ballots",
        {
            "question": "x",
            "meeting": meeting,
            "purpose": "constitution_change",
            "changes": {"egm_notice_days": 10},
        },
    )

    body = assert_problem(response, 409, "meeting_may_not_change_constitution")
    assert (body["clause"], body["meetings"]) == ("11.1", ["agm"])
    assert db_state() == before


def test_a_wind_up_is_decided_by_ballot_not_at_a_meeting_wes_13b(governed, fake_clock):
    world = governed("wiltshire", members=1, network="south-west")
    meeting = _meeting(world, "egm", fake_clock, ["chair"])

    response = world.as_["nadia"].post(
        f"{world.path}/ballots",
        {
            "question": "Wind up?",
            "meeting": meeting,
            "purpose": "wind_up",
            "wind_up_deadline": (date.today() + timedelta(days=60)).isoformat(),
        },
    )

    assert assert_problem(response, 409, "wind_up_needs_ballot")["clause"] == "13(b)"


def _wind_up_ballot(world, yes: int, no: int):
    ballot = (
        world.as_["nadia"]
        .post(
            f"{world.path}/ballots",
            {
                "question": "Wind The Bright Exchange up?",
                "purpose": "wind_up",
                "wind_up_deadline": (date.today() + timedelta(days=60)).isoformat(),
            },
        )
        .json
    )
    voters = ["chair", "sec", "tres", "vic", "cm", "m1", "m2", "m3", "m4", "olive"]
    for who in voters[:yes]:
        _vote(world, ballot["id"], who, "for")
    for who in voters[yes : yes + no]:
        _vote(world, ballot["id"], who, "against")
    return world.as_["nadia"].post(f"{world.path}/ballots/{ballot['id']}/close")


def test_a_carried_wind_up_ballot_starts_the_wind_up_with_its_counted_votes(governed):
    world = governed("bright", members=4, network="south-east")  # ten members with olive

    closed = _wind_up_ballot(world, 7, 1)

    assert closed.json["passed"] is True, closed.json
    wind_up = db.session.scalar(select(WindUp))
    assert (wind_up.votes_for, wind_up.votes_against, wind_up.electorate, wind_up.ballot_id) == (
        7,
        1,
        10,
        closed.json["id"],
    )
    assert world.as_["m1"].get("/schemes/bright").json["status"] == "winding_up"
    egm = world.as_["m1"].get(f"{world.path}/meetings").json[0]
    assert (egm["kind"], egm["title"]) == ("egm", "EGM: the result of the wind-up ballot")
    assert "7 for, 1 against, of 10 members (clause 12.2)" in egm["agenda"][0]["title"]


def test_bright_wind_up_ballot_short_of_two_thirds_of_the_membership_fails(governed):
    world = governed("bright", members=4, network="south-east")

    closed = _wind_up_ballot(world, 6, 0)  # every vote cast is for, but 6 of 10 members

    assert (closed.json["passed"], closed.json["majority"]) == (False, "two_thirds_of_membership")
    assert db.session.scalar(select(WindUp)) is None


def test_the_database_itself_refuses_a_second_vote_of_one_member(governed):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from lets_tenants.governance.models import Vote as VoteRow

    world = governed("wiltshire", members=1)
    ballot = world.as_["sec"].post(f"{world.path}/ballots", {"question": "Picnic?"}).json
    member = get_member(world.scheme, "m1")
    row = {
        "scheme_id": world.scheme.id,
        "ballot_id": ballot["id"],
        "membership_id": member.id,
        "cast_by_id": member.person_id,
    }
    db.session.add(VoteRow(choice="for", **row))
    db.session.commit()

    db.session.add(VoteRow(choice="against", **row))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_racing_votes_of_one_member_count_once(governed, app):
    """Eight requests at once for one member's vote: one is counted, the others are
    ``already_voted`` (truly concurrent on PostgreSQL; queued writers on SQLite)."""
    import threading

    from lets_platform.errors import LetsError
    from lets_platform.tenancy import scope
    from lets_platform.tenancy.operations import get_scheme
    from lets_tenants.governance import ballots as ballot_ops

    world = governed("wiltshire", members=1)
    ballot_id = world.as_["sec"].post(f"{world.path}/ballots", {"question": "Picnic?"}).json["id"]
    person_id = world.people["m1"].id
    db.session.commit()
    outcomes: list[str] = []

    def run() -> None:
        from lets_platform.identity.models import Person

        with app.app_context():
            scope.allow_all()
            scheme = get_scheme("wiltshire")
            try:
                ballot_ops.vote(
                    scheme,
                    ballot_ops.get_ballot(scheme, ballot_id),
                    choice="for",
                    actor=db.session.get_one(Person, person_id),
                )
                db.session.commit()
                outcomes.append("counted")
            except LetsError as error:
                db.session.rollback()
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_voted"] * 7 + ["counted"]
    assert db.session.scalar(select(db.func.count()).select_from(Vote)) == 1


def test_an_inquorate_meeting_decides_nothing_until_it_is_called_again_wes_10h(
    governed, fake_clock
):
    world = governed("wiltshire", members=1)
    first = _meeting(world, "egm", fake_clock, ["chair", "m1"])
    before = db_state()

    refused = world.as_["sec"].post(f"{world.path}/ballots", {"question": "x", "meeting": first})

    assert assert_problem(refused, 409, "meeting_inquorate")["clause"] == "10(h)"
    assert db_state() == before
    again = (
        world.as_["sec"]
        .post(
            f"{world.path}/meetings",
            {"kind": "egm", "starts_at": _in(8), "reconvenes": first},
        )
        .json
    )
    fake_clock.advance(days=8, minutes=1)
    world.as_["sec"].call(
        "PUT",
        f"{world.path}/meetings/{again['id']}/attendance",
        json={"entries": [{"handle": "chair", "presence": "present"}]},
        headers=world.as_["sec"]._headers(None),
    )
    proceeds = world.as_["sec"].post(
        f"{world.path}/ballots", {"question": "x", "meeting": again["id"]}
    )
    assert proceeds.status_code == 201, proceeds.json


def test_the_agm_elects_an_officer_who_must_be_in_good_standing_wes_10c_10d(governed, fake_clock):
    from lets_platform.permissions import roles_in

    world = governed("wiltshire", members=6)
    world.as_["chair"].post(f"{world.path}/members/m6/termination", {"reason": "Breach"})
    present = ["chair", "sec", "tres", "vic", "m1", "m2", "m3", "m4", "m5"]
    meeting = _meeting(world, "agm", fake_clock, present)

    ineligible = world.as_["sec"].post(
        f"{world.path}/ballots",
        {
            "question": "m6 as treasurer",
            "meeting": meeting,
            "purpose": "election",
            "changes": {"handle": "m6", "role": "treasurer"},
        },
    )
    election = (
        world.as_["sec"]
        .post(
            f"{world.path}/ballots",
            {
                "question": "m1 as treasurer",
                "meeting": meeting,
                "purpose": "election",
                "changes": {"handle": "m1", "role": "treasurer"},
            },
        )
        .json
    )
    for who in present[:6]:
        _vote(world, election["id"], who, "for")
    closed = world.as_["sec"].post(f"{world.path}/ballots/{election['id']}/close").json

    assert_problem(ineligible, 409, "not_eligible")
    assert closed["passed"] is True
    assert "treasurer" in roles_in(world.people["m1"], world.scheme.id)


def test_officers_are_elected_only_at_the_agm(governed, fake_clock):
    world = governed("wiltshire", members=1)
    meeting = _meeting(world, "committee", fake_clock, ["chair", "sec", "tres"])

    response = world.as_["sec"].post(
        f"{world.path}/ballots",
        {
            "question": "m1 as chair",
            "meeting": meeting,
            "purpose": "election",
            "changes": {"handle": "m1", "role": "chair"},
        },
    )

    assert_problem(response, 409, "election_at_agm")
