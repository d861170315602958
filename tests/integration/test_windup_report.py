"""The repayment report: deadline, debtors and creditors, what is left to repay, and its
trend, the total debit at the end of each day since the decision, read from the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from lets_federation.windup.models import WindUp
from lets_federation.windup.operations import decide
from lets_platform.db import db
from lets_platform.testing import assert_problem
from lets_tenants.ledger.models import Transfer
from lets_tenants.ledger.operations import transfer

TODAY = date.today()
DEADLINE = TODAY + timedelta(days=30)


@pytest.fixture
def avon(scheme_with_members, create_admin, token_for, api):
    """Avon winding up since two days ago: alice -30.00, carl -5.00, bob +35.00 then."""
    world = scheme_with_members("avon", handles=("alice", "bob", "carl"), network="south-west")
    for payer, amount in (("alice", "30.00"), ("carl", "5.00")):
        transfer(world.scheme, payer=payer, payee="bob", amount=amount, entered_by=None)
    wind_up = decide(
        world.scheme,
        votes_for=3,
        votes_against=1,
        deadline=DEADLINE,
        significant_debit="20.00",
        actor=None,
    )
    _backdate(db.session.query(Transfer).all(), days=2)
    wind_up.decided_at = datetime.now(UTC) - timedelta(days=2)
    db.session.commit()
    world.national = api.as_(token_for(create_admin()))
    return world


def _backdate(transfers: list[Transfer], days: int) -> None:
    for moved in transfers:
        db.session.execute(
            update(Transfer)
            .where(Transfer.seq == moved.seq)
            .values(posted_at=datetime.now(UTC) - timedelta(days=days))
        )


def _repay(world, payer: str, payee: str, amount: str, days_ago: int) -> None:
    made = transfer(world.scheme, payer=payer, payee=payee, amount=amount, entered_by=None)
    _backdate([made.transfer], days_ago)
    db.session.commit()


def test_organisers_see_debtors_creditors_and_what_is_left_to_repay(avon):
    report = avon.as_["olive"].get("/schemes/avon/wind-up").json

    assert report["deadline"] == DEADLINE.isoformat() and report["days_left"] == 30
    assert report["to_repay"] == "35.00" and report["in_credit"] == "35.00"
    assert [(d["account"], d["balance"], d["significant"]) for d in report["debtors"]] == [
        ("alice", "-30.00", True),
        ("carl", "-5.00", False),
    ]
    assert [(c["account"], c["balance"]) for c in report["creditors"]] == [("bob", "35.00")]


def test_the_trend_is_the_total_debit_at_the_end_of_each_day_since_the_decision(avon):
    _repay(avon, "bob", "alice", "10.00", days_ago=1)
    _repay(avon, "bob", "carl", "5.00", days_ago=0)

    report = avon.national.get("/schemes/avon/wind-up").json

    assert report["trend"] == [
        {"date": (TODAY - timedelta(days=2)).isoformat(), "to_repay": "35.00"},
        {"date": (TODAY - timedelta(days=1)).isoformat(), "to_repay": "25.00"},
        {"date": TODAY.isoformat(), "to_repay": "20.00"},
    ]
    assert report["to_repay"] == "20.00"


def test_the_report_counts_the_choices_made(avon):
    avon.as_["alice"].post("/schemes/avon/wind-up/choices", {"destination": "pool"})

    report = avon.as_["olive"].get("/schemes/avon/wind-up").json

    assert (report["choices_made"], report["members"]) == (1, 4)


def test_a_member_may_not_read_the_report(avon):
    assert_problem(avon.as_["alice"].get("/schemes/avon/wind-up"), 403, "not_permitted")


def test_a_scheme_not_winding_up_has_no_report(scheme_with_members):
    world = scheme_with_members("wilts")

    response = world.as_["olive"].get("/schemes/wilts/wind-up")

    assert_problem(response, 404, "wind_up_not_found")


def test_the_wind_up_state_moves_only_forward(avon):
    from lets_federation.windup.operations import finish, start_migration

    wind_up = db.session.query(WindUp).one()

    assert start_migration(wind_up) is True
    assert start_migration(wind_up) is False  # a resumed job
    assert finish(wind_up) is True
    assert (wind_up.state, wind_up.scheme.status) == ("closed", "closed")
