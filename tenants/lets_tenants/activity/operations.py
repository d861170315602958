"""A scheme's trading activity per calendar month (UTC): trades, volume, active traders.

Trading is a posted payment, invoice or federation leg with a member account on at least
one side: budget moves between central accounts are not trading, and neither are opening
balances (the ``opening-balances`` account an import posts against). A correction is
not a trade; what it gives back is taken off the volume of the month it is posted in.
A balance migration's moves are federation legs and count in their month. Two grouped
queries answer any history; transfers are never loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal_column, or_, select, union_all
from sqlalchemy.orm import aliased

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
    totals = _totals(scheme, start, end)
    traders = _traders(scheme, start, end)
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


def _counted(scheme: Scheme, start: datetime, end: datetime) -> tuple[Any, ...]:
    """The WHERE of the transfers that count: posted in the window, trading or correcting,
    a member on one side, no opening balance."""
    payer, payee = aliased(Account), aliased(Account)
    return (
        payer,
        payee,
        and_(
            Transfer.scheme_id == scheme.id,
            Transfer.state == "posted",
            Transfer.posted_at >= start,
            Transfer.posted_at <= end,
            Transfer.kind.in_((*TRADING_KINDS, "correction")),
            or_(payer.kind == "member", payee.kind == "member"),
            payer.name != OPENING_ACCOUNT,
            payee.name != OPENING_ACCOUNT,
        ),
    )


def _joined(statement: Any, payer: Any, payee: Any) -> Any:
    return statement.join(
        payer, and_(payer.scheme_id == Transfer.scheme_id, payer.id == Transfer.payer_id)
    ).join(payee, and_(payee.scheme_id == Transfer.scheme_id, payee.id == Transfer.payee_id))


def _totals(scheme: Scheme, start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
    payer, payee, where = _counted(scheme, start, end)
    month = _month(Transfer.posted_at).label("month")
    trading = Transfer.kind != "correction"
    statement = select(
        month,
        func.sum(case((trading, 1), else_=0)),
        func.sum(case((trading, Transfer.amount), else_=-Transfer.amount)),
    ).select_from(Transfer)
    rows = db.session.execute(_joined(statement, payer, payee).where(where).group_by(month))
    return {m: (int(n or 0), int(v or 0)) for m, n, v in rows}


def _traders(scheme: Scheme, start: datetime, end: datetime) -> dict[str, int]:
    payer, payee, where = _counted(scheme, start, end)
    where = and_(where, Transfer.kind != "correction")
    sides = []
    for account, column in ((payer, Transfer.payer_id), (payee, Transfer.payee_id)):
        side = select(
            _month(Transfer.posted_at).label("month"), column.label("account_id")
        ).select_from(Transfer)
        sides.append(_joined(side, payer, payee).where(where, account.kind == "member"))
    both = union_all(*sides).subquery()
    rows = db.session.execute(
        select(both.c.month, func.count(func.distinct(both.c.account_id))).group_by(both.c.month)
    )
    return {m: int(n) for m, n in rows}
