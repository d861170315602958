"""Building a statement: opening balance, each posted transfer with the running balance, closing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

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
