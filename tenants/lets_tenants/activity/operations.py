"""A scheme's trading activity per calendar month (UTC): trades, volume, active traders.

Trading is a posted payment, invoice or federation leg with a member account on at least
one side: budget moves between central accounts are not trading, and neither are opening
balances (the ``opening-balances`` account an import posts against). A correction is
not a trade; what it gives back is taken off the volume of the month it is posted in.
A balance migration's moves are federation legs and count in their month. Two grouped
queries over the transfers answer any history (the scheme's few accounts that are not
members' are named by id, so no account row is joined); transfers are never loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal_column, select, union_all

from lets_platform import clock
from lets_platform.db import db
from lets_platform.errors import ValidationFailed
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import OPENING_ACCOUNT
from lets_tenants.ledger.models import Transfer

TRADING_KINDS = ("payment", "invoice", "federation")
#: How many months one answer may cover (five years).
MAX_MONTHS = 60


@dataclass(frozen=True)
class Month:
    #: "2026-03"
    month: str
    trades: int
    #: Minor units of the scheme's currency: what the trades moved, less corrections.
    volume: int
    #: Member accounts that paid or received in a trade this month.
    active_traders: int


def months_back(last: str, count: int) -> list[str]:
    """The ``count`` months ending with ``last`` ("2026-03"), oldest first."""
    year, month = (int(part) for part in last.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def activity(scheme: Scheme, months: int = 12, *, until: datetime | None = None) -> list[Month]:
    """Trades, volume and active traders of each of the last ``months`` calendar months up
    to and including the month of ``until`` (now), oldest first; quiet months are zeros."""
    if not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed(
            f"months must be 1 to {MAX_MONTHS}.", errors={"months": [f"1 to {MAX_MONTHS}"]}
        )
    end = (until or clock.now()).astimezone(UTC)
    labels = months_back(f"{end.year:04d}-{end.month:02d}", months)
    start = datetime(int(labels[0][:4]), int(labels[0][5:]), 1, tzinfo=UTC)
    others, opening = _others(scheme)
    totals = _totals(scheme, start, end, others, opening)
    traders = _traders(scheme, start, end, others, opening)
    return [
        Month(
            month=label,
            trades=totals.get(label, (0, 0))[0],
            volume=max(totals.get(label, (0, 0))[1], 0),
            active_traders=traders.get(label, 0),
        )
        for label in labels
    ]


def _month(column: Any) -> Any:
    """The UTC calendar month of a timestamp column as "YYYY-MM", in the database's SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), literal_column("'YYYY-MM'"))
    return func.strftime("%Y-%m", column)


def _others(scheme: Scheme) -> tuple[set[int], set[int]]:
    """The scheme's accounts that are not members' (a few: funds, budgets, clearing), and
    among them the opening balances' account."""
    rows = db.session.execute(
        select(Account.id, Account.name).where(
            Account.scheme_id == scheme.id, Account.kind != "member"
        )
    )
    others, opening = set(), set()
    for account_id, name in rows:
        others.add(account_id)
        if name == OPENING_ACCOUNT:
            opening.add(account_id)
    return others, opening


def _counted(
    scheme: Scheme, start: datetime, end: datetime, others: set[int], opening: set[int]
) -> Any:
    """The WHERE of the transfers that count: posted in the window, trading or correcting,
    a member on one side, no opening balance. The few accounts that are not members' are
    named by id, so no account row is joined."""
    conditions = [
        Transfer.scheme_id == scheme.id,
        Transfer.state == "posted",
        Transfer.posted_at >= start,
        Transfer.posted_at <= end,
        Transfer.kind.in_((*TRADING_KINDS, "correction")),
    ]
    if others:
        conditions.append(~(Transfer.payer_id.in_(others) & Transfer.payee_id.in_(others)))
    if opening:
        conditions += [Transfer.payer_id.not_in(opening), Transfer.payee_id.not_in(opening)]
    return and_(*conditions)


def _totals(
    scheme: Scheme, start: datetime, end: datetime, others: set[int], opening: set[int]
) -> dict[str, tuple[int, int]]:
    month = _month(Transfer.posted_at).label("month")
    trading = Transfer.kind != "correction"
    statement = select(
        month,
        func.sum(case((trading, 1), else_=0)),
        func.sum(case((trading, Transfer.amount), else_=-Transfer.amount)),
    ).where(_counted(scheme, start, end, others, opening))
    rows = db.session.execute(statement.group_by(month))
    return {m: (int(n or 0), int(v or 0)) for m, n, v in rows}


def _traders(
    scheme: Scheme, start: datetime, end: datetime, others: set[int], opening: set[int]
) -> dict[str, int]:
    where = and_(_counted(scheme, start, end, others, opening), Transfer.kind != "correction")
    sides = []
    for column in (Transfer.payer_id, Transfer.payee_id):
        side = select(_month(Transfer.posted_at).label("month"), column.label("account_id"))
        sides.append(side.where(where, column.not_in(others)) if others else side.where(where))
    both = union_all(*sides).subquery()
    rows = db.session.execute(
        select(both.c.month, func.count(func.distinct(both.c.account_id))).group_by(both.c.month)
    )
    return {m: int(n) for m, n in rows}
