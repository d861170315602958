"""Clearing a pending trade exactly once: both legs and the federation entry, or nothing.

``settle`` decides one trade through the batch path (``trades.batch`` with no other
trades): it locks the trade row and does nothing unless it is still pending, so a
redelivered or re-run message changes nothing twice. The clearing job takes other
pending trades along (``LETS_FEDERATION_BATCH_SIZE``). ``sweep`` expires trades not
cleared in time and re-sends clearing for stale pending ones.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

import lets_tenants.ledger.operations as ledger
from lets_federation.trades.batch import clear_batch
from lets_federation.trades.decide import EXPIRED_DETAIL, TRADE_EXPIRED
from lets_federation.trades.models import Trade, hold_id, payee_leg_id
from lets_platform import jobs
from lets_platform.db import db, utcnow
from lets_platform.tenancy.models import Scheme

__all__ = ["TRADE_EXPIRED", "hold_id", "payee_leg_id", "settle", "sweep", "lock_trade"]

#: Loaded with the trade in its one locking SELECT (the sweep reads the payer's side).
_PARTIES = (Trade.payer_scheme, Trade.payee_scheme, Trade.payer_account, Trade.payee_account)


def lock_trade(trade_id: Any) -> Trade | None:
    """The trade, locked until the transaction ends (``FOR UPDATE``; SQLite has one writer)."""
    tid = trade_id if isinstance(trade_id, uuid.UUID) else uuid.UUID(str(trade_id))
    query = (
        select(Trade)
        .where(Trade.id == tid)
        .options(*(joinedload(r, innerjoin=True) for r in _PARTIES))
        .with_for_update(of=Trade)
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(query)


def settle(trade_id: Any, now: datetime | None = None) -> Trade | None:
    """Clear a pending trade, or reject it with a named reason; idempotent.

    Args:
        trade_id: the trade's UUID (a string from a message is fine).
        now: the time to judge expiry by (default: now).
    Returns:
        the trade in its new (or unchanged) state, or None if there is no such trade.
    Keeps:
        positions sum to zero; each scheme's ledger sums to zero; the trade is cleared
        with both legs posted, or rejected/expired with its hold voided, never both.
    """
    tid = trade_id if isinstance(trade_id, uuid.UUID) else uuid.UUID(str(trade_id))
    clear_batch(tid, now=now)
    return db.session.get(Trade, tid)


def _close(trade: Trade, state: str, reason: str, detail: str) -> None:
    """Void the hold and record why the trade did not clear."""
    payer_scheme = db.session.get_one(Scheme, trade.payer_scheme_id)
    if trade.hold_transfer_id is not None:
        ledger.void_pending(payer_scheme, trade.hold_transfer_id, reason)
    trade.state, trade.reason, trade.reason_detail = state, reason, detail[:300]
    trade.decided_at = utcnow()
    db.session.flush()


@dataclass(frozen=True)
class SweepReport:
    expired: int
    resent: int


def sweep(now: datetime | None = None, batch: int = 500) -> SweepReport:
    """Expire pending trades past ``expires_at`` (their holds released) and re-send
    clearing for those pending longer than ``LETS_FEDERATION_RESEND_AFTER`` seconds."""
    now = now or utcnow()
    overdue = db.session.scalars(
        select(Trade.id)
        .where(Trade.state == "pending", Trade.expires_at <= now)
        .order_by(Trade.expires_at)
        .limit(batch)
    ).all()
    expired = 0
    for trade_id in overdue:
        trade = lock_trade(trade_id)
        if trade is not None and trade.state == "pending":
            _close(trade, "expired", TRADE_EXPIRED, EXPIRED_DETAIL)
            expired += 1
    resend_after = int(current_app.config.get("LETS_FEDERATION_RESEND_AFTER", 60))
    stale = db.session.scalars(
        select(Trade.id)
        .where(
            Trade.state == "pending",
            Trade.expires_at > now,
            Trade.created_at <= now - timedelta(seconds=resend_after),
        )
        .limit(batch)
    ).all()
    from lets_federation.trades.tasks import clear_trade

    for trade_id in stale:
        jobs.send_after_commit(clear_trade, str(trade_id))
    return SweepReport(expired=expired, resent=len(stale))
