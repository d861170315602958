"""The ledger's audit checks, straight from the database (registered with ``lets audit``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lets_platform.db import db
from lets_platform.invariants import Finding
from lets_platform.money import MAX_MINOR_UNITS
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer


def _schemes(slug: str | None) -> dict[int, str]:
    query = select(Scheme.id, Scheme.slug)
    if slug:
        query = query.where(Scheme.slug == slug)
    return dict(db.session.execute(query).all())


def check_ledger(slug: str | None) -> list[Finding]:
    """Zero-sum per scheme; balance = posted in - posted out; held = pending out; limits kept."""
    schemes = _schemes(slug)
    if not schemes:
        return []
    findings: list[Finding] = []
    sums = db.session.execute(
        select(Account.scheme_id, func.sum(Account.balance))
        .where(Account.scheme_id.in_(schemes))
        .group_by(Account.scheme_id)
    )
    for scheme_id, total in sums:
        total = int(total or 0)  # PostgreSQL's sum() of BIGINT is a NUMERIC (Decimal)
        if total:
            findings.append(
                Finding(
                    schemes[scheme_id], "zero_sum", f"balances sum to {total} minor units, not 0"
                )
            )
    for account, expected_balance, expected_held in _recomputed(list(schemes)):
        where = f"{schemes[account.scheme_id]}"
        if account.balance != expected_balance:
            findings.append(
                Finding(
                    where,
                    "balance_matches_transfers",
                    f"{account.name}: balance {account.balance}, "
                    f"posted transfers give {expected_balance}",
                )
            )
        if account.held != expected_held:
            findings.append(
                Finding(
                    where,
                    "held_matches_pending",
                    f"{account.name}: held {account.held}, pending transfers give {expected_held}",
                )
            )
        ceiling = MAX_MINOR_UNITS if account.max_balance is None else account.max_balance
        if account.balance - account.held < account.min_balance or account.balance > ceiling:
            findings.append(
                Finding(
                    where,
                    "within_limits",
                    f"{account.name}: balance {account.balance} held "
                    f"{account.held} outside [{account.min_balance}, {ceiling}]",
                )
            )
    return findings


def _flows(state: str, side: str, scheme_ids: list[int]):
    column = getattr(Transfer, side)
    return (
        select(column.label("account_id"), func.sum(Transfer.amount).label("total"))
        .where(Transfer.state == state, Transfer.scheme_id.in_(scheme_ids))
        .group_by(column)
        .subquery()
    )


def _recomputed(scheme_ids: list[int]) -> list[tuple[Account, int, int]]:
    incoming = _flows("posted", "payee_id", scheme_ids)
    outgoing = _flows("posted", "payer_id", scheme_ids)
    pending = _flows("pending", "payer_id", scheme_ids)
    a = aliased(Account)
    rows = db.session.execute(
        select(
            a,
            func.coalesce(incoming.c.total, 0) - func.coalesce(outgoing.c.total, 0),
            func.coalesce(pending.c.total, 0),
        )
        .outerjoin(incoming, incoming.c.account_id == a.id)
        .outerjoin(outgoing, outgoing.c.account_id == a.id)
        .outerjoin(pending, pending.c.account_id == a.id)
        .where(a.scheme_id.in_(scheme_ids))
    )
    return [(acc, int(bal), int(held)) for acc, bal, held in rows]
