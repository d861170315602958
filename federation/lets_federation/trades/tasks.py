"""Jobs of the federation: clear one trade; sweep expired and stale pending trades."""

from __future__ import annotations

import logging

from lets_federation.trades.settlement import settle, sweep
from lets_platform.jobs import actor

log = logging.getLogger(__name__)

#: Seconds between sweeps sent by ``lets scheduler``.
SWEEP_EVERY = 60


@actor(max_retries=20, min_backoff=200, max_backoff=30_000)
def clear_trade(trade_id: str) -> None:
    """Clear or reject one trade; a redelivered message finds it decided and does nothing."""
    trade = settle(trade_id)
    if trade is not None:
        log.info("trade %s: %s %s", trade_id, trade.state, trade.reason or "")


@actor(max_retries=3)
def sweep_trades() -> None:
    """Expire trades not cleared in time and re-send clearing for stale pending ones."""
    report = sweep()
    if report.expired or report.resent:
        log.info("sweep: %d expired, %d re-sent", report.expired, report.resent)
