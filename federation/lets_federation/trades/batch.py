"""Batch clearing: one transaction settles a trade together with other pending trades.

``clear_batch`` locks the trade it was asked about (waiting for it) and up to ``extra``
other pending trades (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's write lock
already serialises), then locks, in one stable order (accounts by id, positions by
scheme id, pair rows by pair), every row the trades touch, decides each trade in Python
(``trades.decide``) and writes the outcome with a constant number of set-based
statements. Locks are ``FOR NO KEY UPDATE`` (``key_share``), what an UPDATE takes, so
inserts that check a foreign key to a locked row (a new hold, a new trade) do not wait
for the batch, nor the batch for them. Only trades still pending under the row lock are
touched, so a redelivered message, or one whose trade another batch took, changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Row, bindparam, select

from lets_federation import DEFAULT_BATCH_SIZE, DEFAULT_LINGER_MS
from lets_federation.positions.models import PairFlow, Position
from lets_federation.positions.operations import ensure_position
from lets_federation.trades import writes
from lets_federation.trades.decide import Books, Decision, Ledger, Standing, decide
from lets_federation.trades.models import Trade
from lets_federation.units import parse_fraction
from lets_platform.db import Model, db, utcnow
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer

_T = Trade.__table__
_A = Account.__table__
_P = Position.__table__
_F = PairFlow.__table__
_S = Scheme.__table__


def batch_size() -> int:
    """``LETS_FEDERATION_BATCH_SIZE``: how many other pending trades one job may clear."""
    return int(current_app.config.get("LETS_FEDERATION_BATCH_SIZE", DEFAULT_BATCH_SIZE))


def linger_ms() -> int:
    """``LETS_FEDERATION_LINGER_MS``: how long a clearing job waits after a batch that was
    not full before it looks again (a little latency for fewer, larger batches)."""
    return int(current_app.config.get("LETS_FEDERATION_LINGER_MS", DEFAULT_LINGER_MS))


def clear_batch(
    trade_id: Any | None, *, extra: int = 0, now: datetime | None = None
) -> list[Decision]:
    """Decide ``trade_id`` and up to ``extra`` other pending trades in this transaction.

    Args:
        trade_id: the trade the job is about (a UUID or its string); waited for if locked.
            None: no trade in particular, only up to ``extra`` pending ones.
        extra: how many other pending trades to take, skipping any another batch holds.
        now: the time to judge expiry by (default: now).
    Returns:
        one decision per trade decided, in the order decided; empty when the trade does
        not exist or is no longer pending (a redelivery: nothing is written).
    Keeps:
        every invariant of ``lets audit``: each cleared trade has both legs posted and its
        positions, pair flow and residues moved; each rejected or expired one its hold
        voided; positions sum to zero and each scheme's ledger too.
    """
    db.session.flush()
    if trade_id is None:
        picked = _pick(None, extra)
        if not picked:
            return []
    else:
        tid = trade_id if isinstance(trade_id, uuid.UUID) else uuid.UUID(str(trade_id))
        lock = select(_T).where(_T.c.id == tid).with_for_update(key_share=True)
        own = db.session.execute(lock).first()
        if own is None or own.state != "pending":
            return []
        picked = [own, *_pick(tid, extra)]
    trades = sorted(picked, key=lambda t: (t.created_at, str(t.id)))
    books = _lock_books(trades)
    judged_at = now or utcnow()
    decisions = [decide(trade, books, judged_at) for trade in trades]
    writes.write(decisions, books, utcnow())
    _expire_loaded({Trade, Account, Position, PairFlow, Transfer})
    return decisions


def _pick(tid: uuid.UUID | None, extra: int) -> list[Row[Any]]:
    """Up to ``extra`` other pending trades, oldest deadline first, none another batch holds."""
    if extra <= 0:
        return []
    others = _T.c.state == "pending"
    query = (
        select(_T)
        .where(others if tid is None else others & (_T.c.id != tid))
        .order_by(_T.c.expires_at)
        .limit(extra)
        .with_for_update(skip_locked=True, key_share=True)
    )
    return list(db.session.execute(query))


#: The statements of ``_lock_books``, built once: the schemes, then the rows to lock, in a
#: stable order. (Built for every batch, they and the pair upsert in ``writes`` made a
#: third of the Python calls of a batch of one.)
_SCHEMES = select(_S.c.id, _S.c.slug, _S.c.status, _S.c.currency_decimals).where(
    _S.c.id.in_(bindparam("schemes", expanding=True))
)
_ACCOUNTS = (
    select(_A)
    .where(
        _A.c.id.in_(bindparam("accounts", expanding=True))
        | (_A.c.scheme_id.in_(bindparam("schemes", expanding=True)) & (_A.c.kind == "federation"))
    )
    .order_by(_A.c.id)
    .with_for_update(key_share=True)
)
_POSITIONS = (
    select(_P)
    .where(_P.c.scheme_id.in_(bindparam("schemes", expanding=True)))
    .order_by(_P.c.scheme_id)
    .with_for_update(key_share=True)
)
_PAIRS = (
    select(_F)
    .where(
        _F.c.scheme_a_id.in_(bindparam("schemes", expanding=True)),
        _F.c.scheme_b_id.in_(bindparam("schemes", expanding=True)),
    )
    .order_by(_F.c.scheme_a_id, _F.c.scheme_b_id)
    .with_for_update(key_share=True)
)


def _lock_books(trades: list[Row[Any]]) -> Books:
    """Load the schemes and lock the accounts, positions and pair rows the trades touch."""
    scheme_ids = sorted({t.payer_scheme_id for t in trades} | {t.payee_scheme_id for t in trades})
    schemes = {s.id: s for s in db.session.execute(_SCHEMES, {"schemes": scheme_ids})}
    books = Books(schemes, {}, {}, {}, {})
    _lock_accounts(books, trades, scheme_ids)
    _lock_positions(books, scheme_ids)
    _lock_pairs(books, scheme_ids)
    return books


def _lock_accounts(books: Books, trades: list[Row[Any]], scheme_ids: list[int]) -> None:
    """The payers, payees and the schemes' federation accounts, locked in id order."""
    ids = sorted({t.payer_account_id for t in trades} | {t.payee_account_id for t in trades})
    for a in db.session.execute(_ACCOUNTS, {"accounts": ids, "schemes": scheme_ids}):
        books.accounts[a.id] = Ledger(
            a.name, a.status, a.balance, a.held, a.min_balance, a.max_balance
        )
        if a.kind == "federation":
            books.federation[a.scheme_id] = a.id


def _lock_positions(books: Books, scheme_ids: list[int]) -> None:
    """The schemes' positions, locked in scheme-id order (a missing row is made at zero)."""
    for p in db.session.execute(_POSITIONS, {"schemes": scheme_ids}):
        books.positions[p.scheme_id] = Standing(
            p.position, parse_fraction(p.residue), p.max_deficit, p.max_surplus
        )
    for scheme_id in scheme_ids:
        if scheme_id not in books.positions:  # a scheme from before its row
            ensure_position(scheme_id)
            books.positions[scheme_id] = Standing(0, parse_fraction("0/1"), None, None)


def _lock_pairs(books: Books, scheme_ids: list[int]) -> None:
    """The pair rows among the schemes, locked in pair order; a missing pair has no limit."""
    for f in db.session.execute(_PAIRS, {"schemes": scheme_ids}):
        books.pairs[(f.scheme_a_id, f.scheme_b_id)] = [f.net_flow, f.max_net_flow, 0]


def _expire_loaded(kinds: set[type[Model]]) -> None:
    """Objects of these kinds the session holds are stale after the set-based writes."""
    for instance in list(db.session.identity_map.values()):
        if type(instance) in kinds:
            db.session.expire(instance)
