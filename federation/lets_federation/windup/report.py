"""The repayment period at a glance: debtors and creditors, what is left to repay, its trend.

Every figure is read from the ledger. The trend is the total debit (the sum of the
negative balances of the scheme's member and central accounts) at the end of each day
(UTC) from the decision to today: it starts from today's balances and undoes, day by
day backwards, the transfers posted since the decision day began.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from lets_federation.windup.models import WindUp
from lets_platform import clock
from lets_platform.db import db
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer

#: The trend covers at most this many days (the most recent ones).
MAX_TREND_DAYS = 400


@dataclass(frozen=True)
class Position:
    """One account's standing: in debit (negative) or in credit."""

    account: Account
    balance: int
    significant: bool


@dataclass(frozen=True)
class Repayment:
    wind_up: WindUp
    debtors: list[Position]
    creditors: list[Position]
    #: What the debtors still owe the membership (a positive number of minor units).
    to_repay: int
    #: What the creditors still hold.
    in_credit: int
    #: (day, to_repay at its end), oldest first, from the decision's day to today.
    trend: list[tuple[date, int]]
    days_left: int


def repayment(wind_up: WindUp) -> Repayment:
    """The report of ``wind_up`` as the ledger stands now."""
    accounts = list(
        db.session.scalars(
            select(Account)
            .where(Account.scheme_id == wind_up.scheme_id, Account.kind != "federation")
            .order_by(Account.name)
        )
    )
    threshold = wind_up.significant_debit
    positions = [
        Position(a, a.balance, threshold is not None and abs(a.balance) >= threshold)
        for a in accounts
    ]
    today = clock.now().date()
    return Repayment(
        wind_up=wind_up,
        debtors=sorted((p for p in positions if p.balance < 0), key=lambda p: p.balance),
        creditors=sorted((p for p in positions if p.balance > 0), key=lambda p: -p.balance),
        to_repay=_debit({a.id: a.balance for a in accounts}),
        in_credit=sum(p.balance for p in positions if p.balance > 0),
        trend=trend(wind_up, {a.id: a.balance for a in accounts}, today),
        days_left=max((wind_up.deadline - today).days, 0),
    )


def _debit(balances: dict[int, int]) -> int:
    return -sum(b for b in balances.values() if b < 0)


def trend(wind_up: WindUp, balances: dict[int, int], today: date) -> list[tuple[date, int]]:
    """The total debit at the end of each day from the decision's day to ``today``.

    Args:
        balances: the accounts counted (member and central), by id, as they are now.
    """
    first = max(wind_up.decided_at.astimezone(UTC).date(), today - timedelta(MAX_TREND_DAYS - 1))
    if first > today:
        return []
    moves = _moves_by_day(wind_up.scheme_id, first, set(balances))
    balances = dict(balances)
    points: list[tuple[date, int]] = []
    day = today
    while day >= first:
        points.append((day, _debit(balances)))
        for account_id, delta in moves.get(day, {}).items():
            balances[account_id] -= delta  # back to the end of the day before
        day -= timedelta(days=1)
    points.reverse()
    return points


def _moves_by_day(scheme_id: int, first: date, counted: set[int]) -> dict[date, dict[int, int]]:
    """Net change of each counted account per day (UTC), from transfers posted since ``first``."""
    since = datetime.combine(first, time.min, tzinfo=UTC)
    rows = db.session.execute(
        select(Transfer.payer_id, Transfer.payee_id, Transfer.amount, Transfer.posted_at).where(
            Transfer.scheme_id == scheme_id,
            Transfer.state == "posted",
            Transfer.posted_at >= since,
        )
    )
    moves: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for payer_id, payee_id, amount, posted_at in rows:
        day = posted_at.astimezone(UTC).date() if posted_at else first
        if payer_id in counted:
            moves[day][payer_id] -= amount
        if payee_id in counted:
            moves[day][payee_id] += amount
    return moves
