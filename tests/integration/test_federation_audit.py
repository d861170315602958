"""``lets audit`` proves the federation's books, and catches each way they could be wrong."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import update

from lets_federation.positions.models import Position
from lets_federation.trades.models import Trade
from lets_federation.trades.operations import create_trade, settle
from lets_platform import invariants
from lets_platform.db import db
from lets_tenants.ledger.models import Transfer


@pytest.fixture
def world(create_scheme, create_member):
    """Two cleared trades (with rounding residues), one pending, one rejected."""
    wiltshire = create_scheme("wiltshire", rate="10")
    bright = create_scheme("bright", rate="12")
    create_member(wiltshire, "alice")
    create_member(bright, "bob", max_balance="20.00")
    trades = {}
    for name, amount, currency in [
        ("cleared", "10.00", "payee"),
        ("also_cleared", "3.33", "payer"),
        ("rejected", "50.00", "payer"),
        ("pending", "1.00", "payer"),
    ]:
        trade = create_trade(
            None, payer="wiltshire/alice", payee="bright/bob", amount=amount, currency=currency
        )
        db.session.commit()
        if name != "pending":
            settle(trade.id)
            db.session.commit()
        trades[name] = trade.id
    return SimpleNamespace(wiltshire=wiltshire, bright=bright, trades=trades)


def _checks(findings):
    return sorted({f.check for f in findings})


def test_the_books_of_a_busy_federation_pass(world):
    assert db.session.get_one(Trade, world.trades["rejected"]).state == "rejected"
    assert invariants.run_all() == []


def test_a_tampered_position_is_caught(world):
    db.session.execute(
        update(Position).where(Position.scheme_id == world.bright.id).values(position=1)
    )
    db.session.commit()

    assert _checks(invariants.run_all()) == ["position_matches_trades", "positions_sum_to_zero"]


def test_a_lost_residue_is_caught(world):
    db.session.execute(
        update(Position).where(Position.scheme_id == world.wiltshire.id).values(residue="0/1")
    )
    db.session.commit()

    findings = invariants.run_all("wiltshire")

    assert _checks(findings) == ["federation_account_matches_position"]


def test_a_cleared_trade_whose_hold_was_voided_is_caught(world):
    hold = db.session.get_one(Trade, world.trades["cleared"]).hold_transfer_id
    db.session.execute(update(Transfer).where(Transfer.id == hold).values(state="voided"))
    db.session.commit()

    findings = [f for f in invariants.run_all() if f.check == "trade_legs"]

    assert len(findings) == 1
    assert str(world.trades["cleared"]) in findings[0].detail


def test_a_pending_trade_without_its_hold_is_caught(world):
    trade = db.session.get_one(Trade, world.trades["pending"])
    db.session.execute(
        update(Transfer).where(Transfer.id == trade.hold_transfer_id).values(state="posted")
    )
    db.session.commit()

    findings = [f for f in invariants.run_all() if f.check == "trade_legs"]

    assert [str(trade.id) in f.detail for f in findings] == [True]


def test_a_cleared_trade_without_its_payee_leg_is_caught(world):
    db.session.execute(
        update(Trade).where(Trade.id == world.trades["also_cleared"]).values(payee_leg_id=None)
    )
    db.session.commit()

    findings = [f for f in invariants.run_all() if f.check == "trade_legs"]

    assert [f.detail for f in findings] == [
        f"trade {world.trades['also_cleared']}: cleared but its payee leg is missing"
    ]
