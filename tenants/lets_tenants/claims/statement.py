"""The annual statement of the local-currency accounts for the AGM (WES 11(i), Bright
10.6): each central account's opening balance, what came in and went out, and its
closing balance over the year, the members' accounts in total, and each budget's use;
as rows, CSV and PDF (fpdf2)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from fpdf import FPDF
from sqlalchemy import case, func, select

from lets_platform.db import db
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.claims.operations import list_budgets, spent
from lets_tenants.ledger.models import Transfer

HEADER = ["account", "title", "kind", "opening", "in", "out", "closing"]


@dataclass(frozen=True)
class Statement:
    scheme: Scheme
    start: date
    end: date
    rows: list[list[str]]
    budgets: list[list[str]]


def _moves(account_id: int, before: datetime | None, since: datetime | None) -> tuple[int, int]:
    """(received, paid) of posted transfers in [since, before)."""
    conditions = [Transfer.state == "posted"]
    if before is not None:
        conditions.append(Transfer.created_at < before)
    if since is not None:
        conditions.append(Transfer.created_at >= since)
    received = case((Transfer.payee_id == account_id, Transfer.amount), else_=0)
    paid = case((Transfer.payer_id == account_id, Transfer.amount), else_=0)
    row = db.session.execute(
        select(func.coalesce(func.sum(received), 0), func.coalesce(func.sum(paid), 0)).where(
            (Transfer.payer_id == account_id) | (Transfer.payee_id == account_id), *conditions
        )
    ).one()
    return int(row[0]), int(row[1])


def annual(scheme: Scheme, year: int) -> Statement:
    start, end = date(year, 1, 1), date(year, 12, 31)
    since = datetime.combine(start, time(0), tzinfo=UTC)
    until = datetime.combine(date(year + 1, 1, 1), time(0), tzinfo=UTC)
    d = scheme.currency_decimals
    accounts = db.session.scalars(
        select(Account).where(Account.scheme_id == scheme.id).order_by(Account.kind, Account.name)
    ).all()
    rows: list[list[str]] = []
    members = [0, 0, 0, 0]
    for account in accounts:
        got_before, paid_before = _moves(account.id, since, None)
        got, paid = _moves(account.id, until, since)
        opening = got_before - paid_before
        values = [opening, got, paid, opening + got - paid]
        if account.kind == "member":
            members = [a + b for a, b in zip(members, values, strict=True)]
            continue
        rows.append(
            [account.name, account.title, account.kind, *(format_amount(v, d) for v in values)]
        )
    rows.append(
        ["members", "All member accounts", "member", *(format_amount(v, d) for v in members)]
    )
    budgets = [
        [
            b.purpose,
            f"{b.period_start} to {b.period_end}",
            format_amount(b.amount, d),
            format_amount(spent(b), d),
        ]
        for b in list_budgets(scheme)
        if b.period_start <= end and b.period_end >= start
    ]
    return Statement(scheme, start, end, rows, budgets)


def to_csv(statement: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(statement.rows)
    if statement.budgets:
        writer.writerow([])
        writer.writerow(["budget", "period", "amount", "spent"])
        writer.writerows(statement.budgets)
    return out.getvalue()


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def to_pdf(statement: Statement) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    scheme = statement.scheme
    pdf.cell(
        0,
        10,
        _latin(f"{scheme.name}: annual statement {statement.start.year}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        6,
        _latin(
            f"Local-currency accounts in {scheme.currency_name}, "
            f"{statement.start} to {statement.end}."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    widths = (28, 50, 18, 24, 24, 24, 24)
    _table(pdf, HEADER, statement.rows, widths)
    if statement.budgets:
        pdf.ln(4)
        _table(pdf, ["budget", "period", "amount", "spent"], statement.budgets, (70, 50, 30, 30))
    return bytes(pdf.output())


def _table(pdf: FPDF, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
    pdf.set_font("Helvetica", "B", 8)
    for text, width in zip(header, widths, strict=True):
        pdf.cell(width, 6, _latin(text), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 8)
    for row in rows:
        for text, width in zip(row, widths, strict=True):
            pdf.cell(width, 5, _latin(text)[:34], border=1)
        pdf.ln()
