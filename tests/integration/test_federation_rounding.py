"""Rounding cannot be farmed: a member of two schemes who trades back and forth between
their own accounts, each time naming the side where rounding would have favoured them,
ends no better off than the exact rates allow, and the audit still proves every residue.

The regression: with rounding half to even, 25 round trips of 0.02 Links -> 0.02 WES,
then 0.02 WES -> 0.03 Links (both ``currency: payee``) gained 0.25 Links."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lets_federation.trades.operations import create_trade, settle
from lets_federation.units import Side, to_fed
from lets_platform import invariants
from lets_platform.db import db
from lets_platform.money import format_amount
from lets_tenants.accounts.models import Account
from lets_tenants.membership.operations import add_member

ROUND_TRIPS = 25


@pytest.fixture
def dana(create_scheme):
    """Dana is a member of Bright (Links, 12 an hour) and Wiltshire (WES, 10 an hour)."""
    bright = create_scheme("bright", currency_code="LNK", rate="12")
    wiltshire = create_scheme("wiltshire", currency_code="WES", rate="10")
    for scheme in (bright, wiltshire):
        membership = add_member(
            scheme, email="dana@both.test", display_name="Dana", handle="dana", actor=None
        )
    db.session.commit()
    return SimpleNamespace(person=membership.person, bright=bright, wiltshire=wiltshire)


def _trade(person, payer: str, payee: str, amount: str) -> None:
    trade = create_trade(person, payer=payer, payee=payee, amount=amount, currency="payee")
    db.session.commit()
    settled = settle(trade.id)
    db.session.commit()
    assert settled is not None and settled.state == "cleared", settled and settled.reason


def _balance(scheme) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(Account.balance).where(Account.scheme_id == scheme.id, Account.name == "dana")
    )


def test_twenty_five_round_trips_gain_nothing(dana):
    for _ in range(ROUND_TRIPS):
        _trade(dana.person, "bright/dana", "wiltshire/dana", "0.02")  # 0.02 WES wanted
        _trade(dana.person, "wiltshire/dana", "bright/dana", "0.03")  # 0.03 Links wanted

    links, wes = _balance(dana.bright), _balance(dana.wiltshire)
    worth = to_fed(links, Side(2, Fraction(12))) + to_fed(wes, Side(2, Fraction(10)))
    gained = f"{format_amount(links, 2)} Links and {format_amount(wes, 2)} WES"
    assert links <= 0 and wes <= 0, f"{ROUND_TRIPS} round trips gained {gained}"
    assert worth <= 0, f"{ROUND_TRIPS} round trips gained {gained}"
    assert invariants.run_all() == []
