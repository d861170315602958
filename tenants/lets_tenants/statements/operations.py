"""Building a statement: opening balance, each posted transfer with the running balance, closing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased

from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer


@dataclass
class Line:
    date: datetime
    id: str
    counterparty: str
    memo: str
    kind: str
    channel: str
    #: Signed minor units: positive for money in, negative for money out.
    amount: int
    balance: int


@dataclass
class Statement:
    account: Account
    opening_balance: int
    closing_balance: int
    lines: list[Line] = field(default_factory=list)


def _signed(account: Account):
    return case((Transfer.payee_id == account.id, Transfer.amount), else_=-Transfer.amount)


def statement(
    scheme: Scheme, account: Account, *, start: datetime | None = None, end: datetime | None = None
) -> Statement:
    """The posted transfers of ``account`` between ``start`` and ``end`` (inclusive, exclusive).

    Returns:
        a statement whose opening balance plus its lines equals its closing balance, and
        whose closing balance (without ``end``) equals the account's balance.
    """
    mine = (
        Transfer.scheme_id == scheme.id,
        Transfer.state == "posted",
        or_(Transfer.payer_id == account.id, Transfer.payee_id == account.id),
    )
    opening = 0
    if start is not None:
        total = db.session.scalar(
            select(func.coalesce(func.sum(_signed(account)), 0)).where(
                *mine, Transfer.posted_at < start
            )
        )
        opening = int(total or 0)  # PostgreSQL's sum() of BIGINT is a NUMERIC (Decimal)
    other = aliased(Account)
    counterparty = case(
        (Transfer.payee_id == account.id, Transfer.payer_id), else_=Transfer.payee_id
    )
    query = select(Transfer, other.name).join(other, other.id == counterparty).where(*mine)
    if start is not None:
        query = query.where(Transfer.posted_at >= start)
    if end is not None:
        query = query.where(Transfer.posted_at < end)
    running = opening
    lines = []
    for t, name in db.session.execute(query.order_by(Transfer.posted_at, Transfer.seq)):
        incoming = t.payee_id == account.id
        signed = t.amount if incoming else -t.amount
        running += signed
        lines.append(
            Line(
                date=t.posted_at or t.created_at,
                id=str(t.id),
                counterparty=name,
                memo=t.memo,
                kind=t.kind,
                channel=t.channel,
                amount=signed,
                balance=running,
            )
        )
    return Statement(account=account, opening_balance=opening, closing_balance=running, lines=lines)


@dataclass
class Page:
    """One page of a statement, oldest first: the balance before its first line, its
    lines with their running balance, and where the next page starts (or None)."""

    account: Account
    #: The balance at the start of the range (before ``start``).
    opening_balance: int
    #: The balance at the end of the range (before ``end``; the account's, without one).
    closing_balance: int
    lines: list[Line] = field(default_factory=list)
    next_after: int | None = None


def page(
    scheme: Scheme,
    account: Account,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    after: int | None = None,
    limit: int = 50,
) -> Page:
    """``limit`` lines of the statement between ``start`` and ``end``, after the line
    whose transfer has the sequence number ``after``: three sums and one page of rows,
    however long the history (the page never loads all of it).

    Returns:
        a page whose lines' running balances continue from the balance before its first
        line; its ``next_after`` is the last line's sequence number if more follow.
    """
    mine = (
        Transfer.scheme_id == scheme.id,
        Transfer.state == "posted",
        or_(Transfer.payer_id == account.id, Transfer.payee_id == account.id),
    )
    in_range = [*mine]
    if start is not None:
        in_range.append(Transfer.posted_at >= start)
    if end is not None:
        in_range.append(Transfer.posted_at < end)
    order = (Transfer.posted_at, Transfer.seq)
    rows_query = select(Transfer).where(*in_range)
    if after is not None:
        anchor = select(Transfer.posted_at).where(Transfer.seq == after).scalar_subquery()
        rows_query = rows_query.where(
            or_(
                Transfer.posted_at > anchor, (Transfer.posted_at == anchor) & (Transfer.seq > after)
            )
        )
    rows = list(db.session.scalars(rows_query.order_by(*order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    opening = 0 if start is None else _sum(account, *mine, Transfer.posted_at < start)
    closing = _sum(account, *mine, *([Transfer.posted_at < end] if end else []))
    running = opening
    if rows:
        first = rows[0]
        running = _sum(
            account,
            *in_range,
            or_(
                Transfer.posted_at < first.posted_at,
                (Transfer.posted_at == first.posted_at) & (Transfer.seq < first.seq),
            ),
        ) + (opening if start is not None else 0)
    names = _names(scheme, account, rows)
    lines = []
    for t in rows:
        signed = t.amount if t.payee_id == account.id else -t.amount
        running += signed
        other = t.payer_id if t.payee_id == account.id else t.payee_id
        date = t.posted_at or t.created_at
        lines.append(
            Line(date, str(t.id), names.get(other, ""), t.memo, t.kind, t.channel, signed, running)
        )
    next_after = rows[-1].seq if more else None
    return Page(account, opening, closing, lines, next_after)


def _sum(account: Account, *where: Any) -> int:
    total = db.session.scalar(select(func.coalesce(func.sum(_signed(account)), 0)).where(*where))
    return int(total or 0)  # PostgreSQL's sum() of BIGINT is a NUMERIC (Decimal)


def _names(scheme: Scheme, account: Account, rows: list[Transfer]) -> dict[int, str]:
    ids = {t.payer_id for t in rows} | {t.payee_id for t in rows}
    found = db.session.execute(
        select(Account.id, Account.name).where(Account.scheme_id == scheme.id, Account.id.in_(ids))
    )
    return {account_id: name for account_id, name in found}


def to_csv(scheme: Scheme, stmt: Statement) -> str:
    """The statement as CSV: one row per transfer, amounts as signed decimal strings."""
    fmt = scheme.currency.format
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "date",
            "transfer",
            "counterparty",
            "memo",
            "kind",
            "channel",
            f"amount ({scheme.currency_code})",
            f"balance ({scheme.currency_code})",
        ]
    )
    writer.writerow(["", "", "", "Opening balance", "", "", "", fmt(stmt.opening_balance)])
    for line in stmt.lines:
        writer.writerow(
            [
                line.date.isoformat(),
                line.id,
                _cell(line.counterparty),
                _cell(line.memo),
                line.kind,
                line.channel,
                fmt(line.amount),
                fmt(line.balance),
            ]
        )
    writer.writerow(["", "", "", "Closing balance", "", "", "", fmt(stmt.closing_balance)])
    return out.getvalue()


def _cell(text: str) -> str:
    """Keep spreadsheets from running a memo as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
