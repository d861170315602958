"""Joining as the constitutions require: the application endorses the version in force
(WES 3(b)(i), Bright 3.2(b)), the membership secretary approves, the fee is charged (local
units through the ledger, sterling recorded due then paid), renewal and lapse, termination
by the committee and appeal to the mediation group (WES 3(d))."""

from __future__ import annotations

from lets_platform.db import db
from lets_platform.identity.operations import add_person, grant_role
from lets_platform.testing import assert_problem, db_state
from lets_tenants.joining.operations import sweep_renewals


def _committee_fees(world, **fees):
    return world.as_["chair"].post(
        f"{world.path}/constitution/committee-changes", {"changes": fees}
    )


def _applicant(world, api, token_for, email="nina@example.org"):
    person = add_person(email, "Nina New")
    db.session.commit()
    return api.as_(token_for(person))


def test_an_application_approved_charges_the_fee_to_the_fee_account(
    governed, api, token_for, balance
):
    world = governed("wiltshire", members=1)
    _committee_fees(world, fee_local="5.00", fee_sterling="3.00")
    nina = _applicant(world, api, token_for)
    grant_role(
        world.people["m1"], "membership_secretary", scheme_id=world.scheme.id, granted_by=None
    )
    db.session.commit()

    applied = nina.post(
        f"{world.path}/applications",
        {"handle": "nina", "display_name": "Nina New", "endorse_version": 2},
    )
    approved = world.as_["m1"].post(f"{world.path}/applications/{applied.json['id']}/approve")

    assert applied.status_code == 201 and applied.json["endorsed_version"] == 2
    assert approved.status_code == 200, approved.json
    assert approved.json["state"] == "active" and approved.json["endorsed_version"] == 2
    fees = {f["currency"]: (f["amount"], f["state"]) for f in approved.json["fees"]}
    assert fees == {"local": ("5.00", "paid"), "sterling": ("3.00", "due")}
    assert (balance(world.scheme, "nina"), balance(world.scheme, "fees")) == (-500, 500)
    first = nina.post(world.path + "/transfers", {"payer": "nina", "payee": "m1", "amount": "2.00"})
    assert first.status_code == 201, first.json


def test_an_applicant_endorses_the_version_in_force(governed, api, token_for):
    world = governed("bright", members=1)
    _committee_fees(world, fee_local="1.00")
    nina = _applicant(world, api, token_for)
    before = db_state()

    response = nina.post(
        f"{world.path}/applications",
        {"handle": "nina", "display_name": "Nina", "endorse_version": 1},
    )

    assert assert_problem(response, 409, "endorsement_stale")["current_version"] == 2
    assert db_state() == before


def test_a_member_may_not_approve_applications(governed, api, token_for):
    world = governed("wiltshire", members=1)
    applied = _applicant(world, api, token_for).post(
        f"{world.path}/applications",
        {"handle": "nina", "display_name": "Nina", "endorse_version": 1},
    )

    response = world.as_["m1"].post(f"{world.path}/applications/{applied.json['id']}/approve")

    assert_problem(response, 403, "not_permitted")


def test_the_treasurer_records_a_sterling_fee_paid(governed, api, token_for):
    world = governed("wiltshire", members=1)
    _committee_fees(world, fee_sterling="3.00")
    applied = _applicant(world, api, token_for).post(
        f"{world.path}/applications",
        {"handle": "nina", "display_name": "Nina", "endorse_version": 2},
    )
    fee = (
        world.as_["olive"]
        .post(f"{world.path}/applications/{applied.json['id']}/approve")
        .json["fees"][0]
    )

    paid = world.as_["tres"].post(f"{world.path}/fees/{fee['id']}/paid")
    again = world.as_["tres"].post(f"{world.path}/fees/{fee['id']}/paid")

    assert paid.json["state"] == "paid"
    assert_problem(again, 409, "fee_not_due")


def test_renewal_is_reminded_then_the_membership_lapses_and_loses_its_vote(
    governed, api, token_for, fake_clock
):
    world = governed("wiltshire", members=1)
    nina = _applicant(world, api, token_for)
    applied = nina.post(
        f"{world.path}/applications",
        {"handle": "nina", "display_name": "Nina", "endorse_version": 1},
    )
    world.as_["olive"].post(f"{world.path}/applications/{applied.json['id']}/approve")
    db.session.commit()

    fake_clock.advance(days=340)
    assert sweep_renewals() == {"reminded": 1, "lapsed": 0}
    assert sweep_renewals() == {"reminded": 0, "lapsed": 0}
    db.session.commit()
    fake_clock.advance(days=30)
    assert sweep_renewals() == {"reminded": 0, "lapsed": 1}
    db.session.commit()
    ballot = world.as_["sec"].post(f"{world.path}/ballots", {"question": "Picnic?"}).json

    standing = world.as_["olive"].get(f"{world.path}/members/nina/standing").json
    assert standing["state"] == "lapsed"
    vote = nina.post(f"{world.path}/ballots/{ballot['id']}/votes", {"choice": "for"})
    assert_problem(vote, 403, "no_vote")
    renewed = nina.post(f"{world.path}/members/nina/renewal")
    assert renewed.json["state"] == "active"


def test_the_committee_terminates_and_the_mediation_group_decides_the_appeal(governed, balance):
    world = governed("wiltshire", members=2)
    grant_role(world.people["m2"], "mediator", scheme_id=world.scheme.id, granted_by=None)
    db.session.commit()

    terminated = world.as_["chair"].post(
        f"{world.path}/members/m1/termination", {"reason": "Repeatedly refused to honour trades"}
    )
    refused = world.as_["m1"].post(
        world.path + "/transfers", {"payer": "m1", "payee": "m2", "amount": "1.00"}
    )
    appealed = world.as_["m1"].post(
        f"{world.path}/terminations/{terminated.json['id']}/appeal", {"appeal": "It was a mix-up"}
    )
    decided = world.as_["m2"].post(
        f"{world.path}/terminations/{terminated.json['id']}/decision",
        {"outcome": "overturned", "note": "Mediation found a misunderstanding"},
    )

    assert terminated.status_code == 201 and terminated.json["clause"] == "3(d)"
    assert_problem(refused, 409, "account_suspended")
    assert appealed.json["appealed_at"] is not None
    assert (decided.json["appeal_outcome"], decided.json["appeal_note"]) == (
        "overturned",
        "Mediation found a misunderstanding",
    )
    assert world.as_["m1"].get(f"{world.path}/members/m1/standing").json["state"] == "active"


def test_a_terminated_member_has_no_vote(governed):
    world = governed("wiltshire", members=2)
    world.as_["chair"].post(f"{world.path}/members/m1/termination", {"reason": "Breach"})
    ballot = world.as_["sec"].post(f"{world.path}/ballots", {"question": "Picnic?"}).json

    response = world.as_["m1"].post(f"{world.path}/ballots/{ballot['id']}/votes", {"choice": "for"})

    assert_problem(response, 403, "no_vote")


def test_only_the_mediation_group_decides_an_appeal(governed):
    world = governed("wiltshire", members=2)
    terminated = (
        world.as_["chair"].post(f"{world.path}/members/m1/termination", {"reason": "Breach"}).json
    )
    world.as_["m1"].post(f"{world.path}/terminations/{terminated['id']}/appeal", {"appeal": "No"})

    response = world.as_["chair"].post(
        f"{world.path}/terminations/{terminated['id']}/decision", {"outcome": "upheld"}
    )

    assert_problem(response, 403, "not_permitted")


def test_racing_approvals_make_one_member_and_charge_one_fee(
    governed, api, token_for, app, balance
):
    import threading

    from lets_platform.errors import LetsError
    from lets_platform.identity.models import Person
    from lets_platform.tenancy import scope
    from lets_platform.tenancy.operations import get_scheme
    from lets_tenants.joining import operations as ops

    world = governed("wiltshire", members=1)
    _committee_fees(world, fee_local="5.00")
    applied = _applicant(world, api, token_for).post(
        f"{world.path}/applications",
        {"handle": "nina", "display_name": "Nina", "endorse_version": 2},
    )
    secretary = world.people["olive"].id
    db.session.commit()
    outcomes: list[str] = []

    def run() -> None:
        with app.app_context():
            scope.allow_all()
            scheme = get_scheme("wiltshire")
            try:
                ops.approve(
                    scheme,
                    ops.get_application(scheme, applied.json["id"]),
                    actor=db.session.get_one(Person, secretary),
                )
                db.session.commit()
                outcomes.append("approved")
            except LetsError as error:
                db.session.rollback()
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["application_decided"] * 3 + ["approved"]
    assert (balance(world.scheme, "nina"), balance(world.scheme, "fees")) == (-500, 500)


def test_an_applicant_sees_their_own_application_only(governed, api, token_for):
    world = governed("wiltshire", members=1)
    nina = _applicant(world, api, token_for)
    ola = _applicant(world, api, token_for, email="ola@example.org")
    nina.post(
        f"{world.path}/applications",
        {"handle": "nina", "display_name": "Nina", "endorse_version": 1},
    )
    ola.post(
        f"{world.path}/applications", {"handle": "ola", "display_name": "Ola", "endorse_version": 1}
    )

    mine = nina.get(f"{world.path}/applications").json
    every = world.as_["olive"].get(f"{world.path}/applications").json

    assert [(a["handle"], a["state"]) for a in mine] == [("nina", "pending")]
    assert {a["handle"] for a in every} == {"nina", "ola"}
