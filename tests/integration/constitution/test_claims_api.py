"""Budgets and claims (WES 11(f)-(h), Bright 10.4-10.5), the annual statement (WES 11(i),
Bright 10.6) and disputes with the mediation group (WES 8(a))."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lets_platform.db import db
from lets_platform.identity.operations import grant_role
from lets_platform.testing import assert_problem, db_state
from lets_tenants.accounts.operations import open_central_account


@pytest.fixture
def funded(governed):
    world = governed("wiltshire", members=2)
    open_central_account(
        world.scheme, "admin", "Administration fund", min_balance="-500.00", actor=None
    )
    db.session.commit()
    today = date.today()
    budget = world.as_["tres"].post(
        f"{world.path}/budgets",
        {
            "account": "admin",
            "purpose": "Newsletter and admin",
            "amount": "30.00",
            "period_start": (today - timedelta(days=10)).isoformat(),
            "period_end": (today + timedelta(days=300)).isoformat(),
        },
    )
    assert budget.status_code == 201, budget.json
    world.budget = budget.json["id"]
    return world


def _claim(world, kind="wage", amount="12.00", who="m1"):
    return (
        world.as_[who]
        .post(
            f"{world.path}/claims",
            {
                "budget": world.budget,
                "kind": kind,
                "amount": amount,
                "description": "Three hours on the newsletter",
            },
        )
        .json
    )


def test_a_wage_claim_is_paid_only_after_the_committee_approves_it(funded, balance):
    claim = _claim(funded)
    before = db_state()

    early = funded.as_["tres"].post(f"{funded.path}/claims/{claim['id']}/pay")
    assert assert_problem(early, 409, "claim_not_approved")["clause"] == "11(f)"
    assert db_state() == before
    funded.as_["chair"].post(f"{funded.path}/claims/{claim['id']}/approve")
    paid = funded.as_["tres"].post(f"{funded.path}/claims/{claim['id']}/pay")

    assert paid.json["state"] == "paid" and paid.json["transfer"]
    assert (balance(funded.scheme, "m1"), balance(funded.scheme, "admin")) == (1200, -1200)
    budget = funded.as_["m2"].get(f"{funded.path}/budgets").json[0]
    assert (budget["spent"], budget["left"]) == ("12.00", "18.00")


def test_payment_for_attending_meetings_needs_the_whole_committee_wes_11h(funded):
    claim = _claim(funded, kind="meeting_attendance", amount="2.00")
    for who in ("chair", "sec", "tres", "vic"):
        funded.as_[who].post(f"{funded.path}/claims/{claim['id']}/approve")

    short = funded.as_["tres"].post(f"{funded.path}/claims/{claim['id']}/pay")
    body = assert_problem(short, 409, "meeting_pay_not_authorised")
    assert (body["clause"], body["authorised"], body["committee"]) == ("11(h)", 4, 5)
    funded.as_["cm"].post(f"{funded.path}/claims/{claim['id']}/approve")
    paid = funded.as_["tres"].post(f"{funded.path}/claims/{claim['id']}/pay")

    assert paid.json["state"] == "paid"


def test_no_claim_is_paid_beyond_its_budget(funded):
    claim = _claim(funded, amount="31.00")
    funded.as_["chair"].post(f"{funded.path}/claims/{claim['id']}/approve")

    response = funded.as_["tres"].post(f"{funded.path}/claims/{claim['id']}/pay")

    assert assert_problem(response, 422, "exceeds_budget")["left"] == "30.00"


def test_a_committee_member_approves_once(funded):
    claim = _claim(funded)
    funded.as_["chair"].post(f"{funded.path}/claims/{claim['id']}/approve")

    again = funded.as_["chair"].post(f"{funded.path}/claims/{claim['id']}/approve")

    assert_problem(again, 409, "claim_wrong_state")


def test_the_annual_statement_for_the_agm_as_csv_and_pdf(funded):
    claim = _claim(funded)
    funded.as_["chair"].post(f"{funded.path}/claims/{claim['id']}/approve")
    funded.as_["tres"].post(f"{funded.path}/claims/{claim['id']}/pay")
    year = date.today().year

    body = funded.as_["tres"].get(f"{funded.path}/annual-statement", year=str(year)).json
    csv = funded.as_["tres"].get(f"{funded.path}/annual-statement", year=str(year), format="csv")
    pdf = funded.as_["tres"].get(f"{funded.path}/annual-statement", year=str(year), format="pdf")

    assert ["admin", "Administration fund", "central", "0.00", "0.00", "12.00", "-12.00"] in body[
        "rows"
    ]
    assert ["members", "All member accounts", "member", "0.00", "12.00", "0.00", "12.00"] in body[
        "rows"
    ]
    assert csv.mimetype == "text/csv" and "admin,Administration fund" in csv.get_data(as_text=True)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert_problem(
        funded.as_["m1"].get(f"{funded.path}/annual-statement", year="2026"), 403, "not_permitted"
    )


def test_the_mediation_group_records_how_a_dispute_was_handled_and_its_outcome(governed):
    world = governed("wiltshire", members=2)
    grant_role(world.people["cm"], "mediator", scheme_id=world.scheme.id, granted_by=None)
    db.session.commit()
    raised = (
        world.as_["m1"]
        .post(
            f"{world.path}/disputes",
            {"description": "Paid for eggs that never came", "against": "m2"},
        )
        .json
    )

    world.as_["cm"].post(
        f"{world.path}/disputes/{raised['id']}/handling",
        {"state": "in_mediation", "note": "Met both members"},
    )
    unfinished = world.as_["cm"].post(
        f"{world.path}/disputes/{raised['id']}/handling", {"state": "resolved", "note": "Agreed"}
    )
    done = world.as_["cm"].post(
        f"{world.path}/disputes/{raised['id']}/handling",
        {"state": "resolved", "note": "Agreed a refund", "outcome": "m2 refunds 4.00"},
    )

    assert_problem(unfinished, 422, "validation_failed")
    assert (done.json["state"], done.json["outcome"]) == ("resolved", "m2 refunds 4.00")
    assert "Met both members" in done.json["handling"]
    assert [d["id"] for d in world.as_["m2"].get(f"{world.path}/disputes").json] == [raised["id"]]
    assert world.as_["chair"].get(f"{world.path}/disputes").json == []
    assert_problem(
        world.as_["chair"].post(
            f"{world.path}/disputes/{raised['id']}/handling", {"state": "open", "note": "x"}
        ),
        403,
        "not_permitted",
    )


def test_racing_payments_of_one_claim_pay_it_once(funded, app, balance):
    import threading

    from lets_platform.errors import LetsError
    from lets_platform.identity.models import Person
    from lets_platform.tenancy import scope
    from lets_platform.tenancy.operations import get_scheme
    from lets_tenants.claims import operations as ops

    claim = _claim(funded, amount="5.00")
    funded.as_["chair"].post(f"{funded.path}/claims/{claim['id']}/approve")
    treasurer = funded.people["tres"].id
    db.session.commit()
    outcomes: list[str] = []

    def run() -> None:
        with app.app_context():
            scope.allow_all()
            scheme = get_scheme("wiltshire")
            try:
                ops.pay(
                    scheme,
                    ops.get_claim(scheme, claim["id"]),
                    actor=db.session.get_one(Person, treasurer),
                )
                db.session.commit()
                outcomes.append("paid")
            except LetsError as error:
                db.session.rollback()
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["claim_wrong_state"] * 5 + ["paid"]
    assert balance(funded.scheme, "m1") == 500
