"""Jobs of the federation: clear a trade (with a batch of others); sweep expired and stale
pending trades."""

from __future__ import annotations

import logging
import time
from typing import Any

from lets_federation.trades.batch import batch_size, clear_batch, linger_ms
from lets_federation.trades.settlement import sweep
from lets_platform.db import db
from lets_platform.jobs import actor, release

log = logging.getLogger(__name__)

#: Seconds between sweeps sent by ``lets scheduler``.
SWEEP_EVERY = 60


#: The name under which new trades ask for clearing (``jobs.send_after_commit``): while
#: one clearing job is on its way, a new trade sends none, since that job clears it too.
CLEARING = "federation-clearing"


#: Longest a clearing job keeps going while trades keep arriving, in seconds.
KEEP_GOING = 1.0


@actor(max_retries=20, min_backoff=200, max_backoff=30_000)
def clear_trade(trade_id: str) -> None:
    """Clear or reject a trade together with up to ``LETS_FEDERATION_BATCH_SIZE`` other
    pending ones, then the pending trades left, batch by batch (one transaction each).

    While it works, new trades send no job of their own (the coalescing mark stands);
    between batches that were not full it lingers ``LETS_FEDERATION_LINGER_MS`` so that
    trades arriving one by one are cleared a few at a time. It stops when a pass finds
    nothing (or after ``KEEP_GOING`` seconds) and withdraws the mark, so that trades
    committed from then on send a new job; then it clears once more what was committed
    in between, going on only while its batches are full. A redelivered message finds
    its trade decided and only looks for others.
    """
    linger = linger_ms() / 1000
    size = batch_size()
    decided = clear_batch(trade_id, extra=size)
    until = time.monotonic() + KEEP_GOING
    while decided:
        _commit(trade_id, decided)
        if time.monotonic() >= until:
            break
        if len(decided) < size and linger:
            time.sleep(linger)  # not a full batch: let a few more trades arrive
        decided = clear_batch(None, extra=size)
    release(clear_trade, CLEARING)  # trades committed from now on send a new job
    # Once more for the trades committed before the release, which sent no job: a batch
    # that is not full took them all. Those committed after it send a job of their own;
    # chasing them here too kept every job going under steady load, jobs piled up, and
    # each cleared one or two trades a batch.
    decided = clear_batch(None, extra=size)
    while decided:
        _commit(trade_id, decided)
        if len(decided) < size:
            break
        decided = clear_batch(None, extra=size)


def _commit(trade_id: str, decided: list[Any]) -> None:
    """Commit a batch's decisions, and log them."""
    db.session.commit()
    cleared = sum(d.state == "cleared" for d in decided)
    log.info("trade %s: batch of %d, %d cleared", trade_id, len(decided), cleared)


@actor(max_retries=3)
def sweep_trades() -> None:
    """Expire trades not cleared in time and re-send clearing for stale pending ones."""
    report = sweep()
    if report.expired or report.resent:
        log.info("sweep: %d expired, %d re-sent", report.expired, report.resent)
