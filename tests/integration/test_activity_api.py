"""A scheme's activity per month: trades, volume and active traders, from real transfers,
for the organisers' charts (``GET /schemes/{scheme}/activity``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from lets_platform.db import db
from lets_platform.testing import assert_problem
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.activity.operations import activity, months_back
from lets_tenants.ledger import operations as ledger
from lets_tenants.ledger.models import Transfer

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _pay(world, payer: str, payee: str, amount: str, when: datetime, kind: str = "payment"):
    result = ledger.transfer(
        world.scheme, payer=payer, payee=payee, amount=amount, entered_by=None, kind=kind
    )
    db.session.execute(
        update(Transfer).where(Transfer.id == result.transfer.id).values(posted_at=when)
    )
    db.session.commit()
    return result.transfer


@pytest.fixture
def w(scheme_with_members):
    """January: alice pays bob 10.00 and 5.00; March: carol pays alice 2.50."""
    world = scheme_with_members("wiltshire", handles=("alice", "bob", "carol"))
    _pay(world, "alice", "bob", "10.00", datetime(2026, 1, 5, tzinfo=UTC))
    _pay(world, "alice", "bob", "5.00", datetime(2026, 1, 31, 23, 59, tzinfo=UTC))
    _pay(world, "carol", "alice", "2.50", datetime(2026, 3, 1, tzinfo=UTC))
    return world


def _months(world, **kwargs):
    return {m.month: m for m in activity(world.scheme, 3, until=NOW, **kwargs)}


def test_months_back_crosses_the_year():
    assert months_back("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_each_month_counts_its_trades_volume_and_traders(w):
    months = _months(w)
    assert list(months) == ["2026-01", "2026-02", "2026-03"]
    assert (months["2026-01"].trades, months["2026-01"].volume) == (2, 1500)
    assert months["2026-01"].active_traders == 2  # alice and bob, once each
    assert (months["2026-02"].trades, months["2026-02"].volume) == (0, 0)
    assert (months["2026-03"].trades, months["2026-03"].active_traders) == (1, 2)


def test_a_correction_takes_its_amount_off_the_volume_of_its_month(w):
    original = _pay(w, "bob", "carol", "8.00", datetime(2026, 3, 2, tzinfo=UTC))
    olive = w.people["olive"]
    fix = ledger.correct(w.scheme, original.id, entered_by=olive, amount="3.00").transfer
    db.session.execute(
        update(Transfer)
        .where(Transfer.id == fix.id)
        .values(posted_at=datetime(2026, 3, 3, tzinfo=UTC))
    )
    db.session.commit()
    march = _months(w)["2026-03"]
    assert (march.trades, march.volume, march.active_traders) == (2, 250 + 800 - 300, 3)


def test_moves_between_central_accounts_and_opening_balances_are_not_trading(w):
    open_central_account(w.scheme, "admin", "Administration fund", min_balance="-50", actor=None)
    open_central_account(w.scheme, "events", "Events budget", actor=None)
    open_central_account(
        w.scheme, "opening-balances", "Opening balances", min_balance="-500", actor=None
    )
    db.session.commit()
    march = datetime(2026, 3, 10, tzinfo=UTC)
    _pay(w, "admin", "events", "20.00", march)  # a budget allocation
    _pay(w, "opening-balances", "bob", "30.00", march)  # an import's opening balance
    _pay(w, "bob", "admin", "1.00", march)  # a member pays a fee: a member trades
    assert (_months(w)["2026-03"].trades, _months(w)["2026-03"].volume) == (2, 350)
    assert _months(w)["2026-03"].active_traders == 3  # carol, alice, bob; no central account


def test_the_api_answers_decimal_strings_oldest_month_first(w, fake_clock):
    fake_clock.current = NOW
    answer = w.as_["olive"].get(w.path + "/activity", months=2)
    assert answer.status_code == 200
    assert answer.json == {
        "scheme": "wiltshire",
        "currency": "WIL",
        "months": [
            {"month": "2026-02", "trades": 0, "volume": "0.00", "active_traders": 0},
            {"month": "2026-03", "trades": 1, "volume": "2.50", "active_traders": 2},
        ],
    }


def test_a_member_may_not_read_the_schemes_activity(w):
    assert_problem(w.as_["alice"].get(w.path + "/activity"), 403, "not_permitted")


@pytest.mark.parametrize("months", ["0", "61", "twelve"])
def test_months_out_of_range_are_refused(w, months):
    assert_problem(
        w.as_["olive"].get(w.path + "/activity", months=months), 422, "validation_failed"
    )


def test_an_unknown_scheme_is_not_found(w):
    assert_problem(w.as_["olive"].get("/schemes/nowhere/activity"), 404, "scheme_not_found")
