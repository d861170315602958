"""Clearing a pending trade exactly once: both legs and the federation entry, or nothing.

``settle`` locks the trade row, and does nothing unless it is still pending, so a
redelivered or re-run message changes nothing twice. Inside a savepoint it moves the
two schemes' positions (limits in the WHERE clause), posts the payer's hold, posts the
payee's leg and adds the rounding residues; if any step refuses, the savepoint is rolled
back, the hold is voided and the trade is rejected with the refusal's code. ``sweep``
expires trades not cleared in time and re-sends clearing for stale pending ones.
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
from lets_federation.positions.operations import add_residue, move_positions
from lets_federation.trades.models import Trade
from lets_federation.units import Side, quote
from lets_platform import jobs
from lets_platform.db import db, utcnow
from lets_platform.errors import AccountClosed, AccountSuspended, LetsError, SchemeNotTrading
from lets_platform.money import Money
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.operations import FEDERATION_ACCOUNT

#: The reason an expired trade carries.
TRADE_EXPIRED = "trade_expired"
_LEG_NAMESPACE = uuid.UUID("0b6f3c52-8a43-4d55-9d3e-5f2f6c1f7a21")


def hold_id(trade_id: uuid.UUID) -> uuid.UUID:
    """The id of a trade's payer leg (the hold), derived so that a replay finds it."""
    return uuid.uuid5(_LEG_NAMESPACE, f"{trade_id}:hold")


def payee_leg_id(trade_id: uuid.UUID) -> uuid.UUID:
    """The id of a trade's payee leg, derived from the trade's."""
    return uuid.uuid5(_LEG_NAMESPACE, f"{trade_id}:payee")


#: Loaded with the trade in its one locking SELECT: settling needs all four.
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
    trade = lock_trade(trade_id)
    if trade is None or trade.state != "pending":
        return trade
    if (now or utcnow()) >= trade.expires_at:
        _close(trade, "expired", TRADE_EXPIRED, "The trade was not cleared in time.")
        return trade
    try:
        with db.session.begin_nested():
            _clear(trade)
    except LetsError as refusal:
        db.session.expire(trade)
        _close(trade, "rejected", refusal.code, refusal.detail)
    return trade


def _clear(trade: Trade) -> None:
    payer_scheme, payee_scheme = trade.payer_scheme, trade.payee_scheme
    _check_payee_side(trade, payer_scheme, payee_scheme)
    residues_now = move_positions(trade.payer_scheme_id, trade.payee_scheme_id, trade.fed_amount)
    ledger.post_pending(payer_scheme, trade.hold_transfer_id)
    leg = ledger.transfer(
        payee_scheme,
        payer=FEDERATION_ACCOUNT,
        payee=trade.payee_account.name,
        amount=Money(trade.payee_amount, payee_scheme.currency),
        entered_by=None,
        id=payee_leg_id(trade.id),
        memo=(
            f"Federation trade {trade.id} from {trade.payer}"
            + (f": {trade.memo}" if trade.memo else "")
        )[: ledger.MAX_MEMO],
        kind="federation",
    )
    residues = quote(
        trade.payer_amount if trade.currency == "payer" else trade.payee_amount,
        trade.currency,
        Side(payer_scheme.currency_decimals, trade.payer_rate),
        Side(payee_scheme.currency_decimals, trade.payee_rate),
    )
    add_residue(trade.payer_scheme_id, residues.payer_residue, residues_now)
    add_residue(trade.payee_scheme_id, residues.payee_residue, residues_now)
    trade.state, trade.payee_leg_id, trade.decided_at = "cleared", leg.transfer.id, utcnow()
    db.session.flush()


def _check_payee_side(trade: Trade, payer_scheme: Scheme, payee_scheme: Scheme) -> None:
    """Name the first reason the payee may not receive (the ledger checks again, atomically)."""
    for scheme in (payee_scheme, payer_scheme):
        if not scheme.is_trading:
            raise SchemeNotTrading(f"{scheme.slug} is {scheme.status}.")
    payee = trade.payee_account  # loaded with the locked trade, in this transaction
    if payee.status == "closed":
        raise AccountClosed(f"The account {trade.payee} is closed.")
    if payee.status == "suspended":
        raise AccountSuspended(f"The account {trade.payee} is suspended.")


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
            _close(trade, "expired", TRADE_EXPIRED, "The trade was not cleared in time.")
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
