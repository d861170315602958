"""The writes of a decided batch: a constant number of set-based statements, however many
trades it decided (each an ``executemany``; PostgreSQL receives the INSERT as one
multi-row statement).

Holds are posted or voided and trades recorded only where still ``pending`` (the batch
holds their row locks, so these conditions are a second guard, not a race). Balances,
positions and pair flows move by the sums the batch worked out, so rows touched by many
trades are written once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

from lets_federation.positions.models import PairFlow, Position
from lets_federation.trades.decide import Books, Decision, address
from lets_federation.trades.models import Trade, payee_leg_id
from lets_federation.units import store_fraction
from lets_platform.db import db
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer
from lets_tenants.ledger.operations import MAX_MEMO

_T, _X = cast(Table, Trade.__table__), cast(Table, Transfer.__table__)
_A, _P = cast(Table, Account.__table__), cast(Table, Position.__table__)
_F = cast(Table, PairFlow.__table__)

_HOLDS = (
    update(_X)
    .where(_X.c.id == bindparam("b_id"), _X.c.state == "pending")
    .values(state=bindparam("b_state"), posted_at=bindparam("b_at"), void_reason=bindparam("b_why"))
)
_ACCOUNTS = (
    update(_A)
    .where(_A.c.id == bindparam("b_id"))
    .values(balance=_A.c.balance + bindparam("b_balance"), held=_A.c.held + bindparam("b_held"))
)
_POSITIONS = (
    update(_P)
    .where(_P.c.scheme_id == bindparam("b_id"))
    .values(
        position=_P.c.position + bindparam("b_delta"),
        residue=bindparam("b_residue"),
        updated_at=bindparam("b_at"),
    )
)
_TRADES = (
    update(_T)
    .where(_T.c.id == bindparam("b_id"), _T.c.state == "pending")
    .values(
        state=bindparam("b_state"),
        reason=bindparam("b_reason"),
        reason_detail=bindparam("b_detail"),
        payee_leg_id=bindparam("b_leg"),
        decided_at=bindparam("b_at"),
    )
)


def write(decisions: list[Decision], books: Books, at: datetime) -> None:
    """Write what ``decisions`` and the moved ``books`` say, stamped ``at``."""
    if not decisions:
        return
    cleared = [d.trade for d in decisions if d.state == "cleared"]
    _execute(_HOLDS, [_hold(d, at) for d in decisions])
    if cleared:
        db.session.execute(_X.insert(), [_payee_leg(t, books, at) for t in cleared])
    _execute(_ACCOUNTS, _account_moves(books))
    _execute(_POSITIONS, _position_moves(books, at))
    _move_pairs(books)
    _execute(_TRADES, [_decided(d, at) for d in decisions])


def _execute(statement: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(statement, rows)


def _hold(d: Decision, at: datetime) -> dict[str, Any]:
    posted = d.state == "cleared"
    return {
        "b_id": d.trade.hold_transfer_id,
        "b_state": "posted" if posted else "voided",
        "b_at": at if posted else None,
        "b_why": None if posted else (d.reason or "")[:200],
    }


def _payee_leg(t: Any, books: Books, at: datetime) -> dict[str, Any]:
    """The payee's leg: the payee scheme's federation account -> the payee, posted."""
    payer = address(books, t.payer_scheme_id, t.payer_account_id)
    memo = f"Federation trade {t.id} from {payer}" + (f": {t.memo}" if t.memo else "")
    return {
        "id": payee_leg_id(t.id),
        "scheme_id": t.payee_scheme_id,
        "payer_id": books.federation[t.payee_scheme_id],
        "payee_id": t.payee_account_id,
        "amount": t.payee_amount,
        "memo": memo[:MAX_MEMO],
        "state": "posted",
        "kind": "federation",
        "channel": "online",
        "entered_by_id": None,
        "corrects_id": None,
        "created_at": at,
        "posted_at": at,
        "void_reason": None,
    }


def _account_moves(books: Books) -> list[dict[str, Any]]:
    return [
        {"b_id": account_id, "b_balance": a.moved[0], "b_held": a.moved[1]}
        for account_id, a in sorted(books.accounts.items())
        if a.moved != [0, 0]
    ]


def _position_moves(books: Books, at: datetime) -> list[dict[str, Any]]:
    return [
        {"b_id": scheme_id, "b_delta": s.delta, "b_residue": store_fraction(s.residue), "b_at": at}
        for scheme_id, s in sorted(books.positions.items())
        if s.delta or s.residue_changed
    ]


def _move_pairs(books: Books) -> None:
    """Add each pair's net move; a pair without a row gets one (no limit)."""
    rows = [
        {"scheme_a_id": a, "scheme_b_id": b, "net_flow": delta, "max_net_flow": None}
        for (a, b), (_, _, delta) in sorted(books.pairs.items())
        if delta
    ]
    if rows:
        db.session.execute(_ADD_PAIR_FLOWS[db.session.get_bind().dialect.name], rows)


def _upsert_pairs(insert: Any) -> Any:
    return insert.on_conflict_do_update(
        index_elements=["scheme_a_id", "scheme_b_id"],
        set_={"net_flow": _F.c.net_flow + insert.excluded.net_flow},
    )


#: The pair upsert by dialect, built once, as ``batch`` builds its locking statements.
_ADD_PAIR_FLOWS = {
    "postgresql": _upsert_pairs(postgresql.insert(_F)),
    "sqlite": _upsert_pairs(sqlite.insert(_F)),
}


def _decided(d: Decision, at: datetime) -> dict[str, Any]:
    cleared = d.state == "cleared"
    return {
        "b_id": d.trade.id,
        "b_state": d.state,
        "b_reason": d.reason,
        "b_detail": d.detail,
        "b_leg": payee_leg_id(d.trade.id) if cleared else None,
        "b_at": at,
    }
