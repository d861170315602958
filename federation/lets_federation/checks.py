"""The federation's audit checks (registered with ``lets audit``), straight from the database.

* positions sum to zero, and each equals its scheme's cleared trades;
* each scheme's federation account balance + its position changes at each trade's
  recorded rate == its recorded residue, exactly (see ``units``);
* every cleared trade has both legs posted, for its amounts; every pending trade exactly
  one pending hold and no payee leg; every rejected or expired trade its hold voided.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lets_federation.positions.models import Position
from lets_federation.trades.models import Trade
from lets_federation.units import FED_SCALE, parse_fraction
from lets_platform.db import db
from lets_platform.invariants import Finding
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer

FEDERATION = "federation"
#: At most this many findings of one kind are listed.
MAX_LISTED = 20


def check_federation(slug: str | None) -> list[Finding]:
    schemes = _schemes(slug)
    findings = _zero_sum() if slug is None else []
    for scheme in schemes:
        findings += _scheme_books(scheme)
    findings += _legs(schemes, slug)
    return findings


def _schemes(slug: str | None) -> list[Scheme]:
    query = select(Scheme).order_by(Scheme.id)
    if slug:
        query = query.where(Scheme.slug == slug)
    return list(db.session.scalars(query))


def _zero_sum() -> list[Finding]:
    total = int(db.session.scalar(select(func.coalesce(func.sum(Position.position), 0))) or 0)
    if total:
        return [Finding(FEDERATION, "positions_sum_to_zero", f"positions sum to {total}, not 0")]
    return []


def _flows(scheme_id: int, side: str) -> list[tuple[int, int, int]]:
    """(rate_num, rate_den, sum of fed_amount) of the scheme's cleared trades on one side."""
    num, den = getattr(Trade, f"{side}_rate_num"), getattr(Trade, f"{side}_rate_den")
    rows = db.session.execute(
        select(num, den, func.sum(Trade.fed_amount))
        .where(Trade.state == "cleared", getattr(Trade, f"{side}_scheme_id") == scheme_id)
        .group_by(num, den)
    )
    return [(int(n), int(d), int(total)) for n, d, total in rows]


def _scheme_books(scheme: Scheme) -> list[Finding]:
    position = db.session.get(Position, scheme.id, populate_existing=True)
    stored = position.position if position else 0
    residue = parse_fraction(position.residue) if position else Fraction(0)
    paid, received = _flows(scheme.id, "payer"), _flows(scheme.id, "payee")
    from_trades = sum(t for *_, t in received) - sum(t for *_, t in paid)
    findings = []
    if stored != from_trades:
        findings.append(
            Finding(
                scheme.slug,
                "position_matches_trades",
                f"position {stored}, cleared trades give {from_trades} micro units",
            )
        )
    at_rates = _at_rates(received, scheme.currency_decimals) - _at_rates(
        paid, scheme.currency_decimals
    )
    balance = _federation_balance(scheme.id)
    if balance + at_rates != residue:
        findings.append(
            Finding(
                scheme.slug,
                "federation_account_matches_position",
                f"federation account {balance} + position at recorded rates {at_rates} "
                f"!= residue {residue} (minor units)",
            )
        )
    return findings


def _at_rates(flows: list[tuple[int, int, int]], decimals: int) -> Fraction:
    return sum(
        (Fraction(total * num * 10**decimals, den * FED_SCALE) for num, den, total in flows),
        Fraction(0),
    )


def _federation_balance(scheme_id: int) -> int:
    balance = db.session.scalar(
        select(func.coalesce(func.sum(Account.balance), 0)).where(
            Account.scheme_id == scheme_id, Account.kind == "federation"
        )
    )
    return int(balance or 0)


#: trade state -> (hold state, whether a posted payee leg belongs) that it requires
_LEGS = {
    "cleared": ("posted", True),
    "pending": ("pending", False),
    "rejected": ("voided", False),
    "expired": ("voided", False),
}


def _legs(schemes: list[Scheme], slug: str | None) -> list[Finding]:
    hold, leg = aliased(Transfer), aliased(Transfer)
    query = (
        select(Trade.id, Trade.state, Trade.payer_amount, Trade.payee_amount, hold, leg)
        .outerjoin(hold, hold.id == Trade.hold_transfer_id)
        .outerjoin(leg, leg.id == Trade.payee_leg_id)
    )
    if slug:
        ids = [s.id for s in schemes]
        query = query.where(Trade.payer_scheme_id.in_(ids) | Trade.payee_scheme_id.in_(ids))
    wrong: list[Finding] = []
    for row in db.session.execute(query.where(_suspect(hold, leg))):
        problem = _leg_problem(*row)
        if problem and len(wrong) < MAX_LISTED:
            wrong.append(Finding(slug or FEDERATION, "trade_legs", f"trade {row[0]}: {problem}"))
    return wrong


def _suspect(hold: Any, leg: Any) -> Any:
    """Rows worth a look (the rest are right by construction of this condition)."""
    ok = (
        ((Trade.state == "cleared") & (hold.state == "posted") & (leg.state == "posted"))
        & (hold.amount == Trade.payer_amount)
        & (leg.amount == Trade.payee_amount)
    ) | (
        (Trade.state != "cleared")
        & (hold.state == _hold_state_for_trade())
        & Trade.payee_leg_id.is_(None)
        & (hold.amount == Trade.payer_amount)
    )
    return ~func.coalesce(ok, False) | hold.id.is_(None)


def _hold_state_for_trade() -> Any:
    from sqlalchemy import case

    return case((Trade.state == "pending", "pending"), else_="voided")


def _leg_problem(
    trade_id: Any, state: str, payer_amount: int, payee_amount: int, hold: Any, leg: Any
) -> str:
    hold_state, needs_leg = _LEGS[state]
    if hold is None:
        return f"{state} but its hold is missing"
    if hold.state != hold_state or hold.amount != payer_amount:
        return f"{state} but its hold is {hold.state} for {hold.amount}"
    if needs_leg and (leg is None or leg.state != "posted" or leg.amount != payee_amount):
        return f"{state} but its payee leg is {'missing' if leg is None else leg.state}"
    if not needs_leg and leg is not None:
        return f"{state} but a payee leg was posted"
    return ""
