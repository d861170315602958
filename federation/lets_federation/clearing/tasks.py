"""The clearing job: a clearing run made by a worker, every hour (``jobs.every``) or on demand."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app

from lets_federation.clearing.operations import DEFAULT_NEAR_LIMIT_PERCENT, run_clearing
from lets_platform.jobs import actor

log = logging.getLogger(__name__)

#: How often the scheduler sends ``clearing_run``.
EVERY_SECONDS = 3600


def near_limit_percent() -> int:
    """``LETS_CLEARING_NEAR_LIMIT_PERCENT`` (default 80): when a scheme is flagged."""
    percent = current_app.config.get("LETS_CLEARING_NEAR_LIMIT_PERCENT", DEFAULT_NEAR_LIMIT_PERCENT)
    return int(percent)


@actor(max_retries=3)
def clearing_run(since: str | None = None) -> None:
    """Make and store a clearing run over the trades cleared since ``since`` (ISO), or all.

    Each delivery stores one run of its own; a run only reads the trades, so a redelivered
    message adds a second report and changes no money.
    """
    run = run_clearing(
        datetime.fromisoformat(since) if since else None,
        near_limit_percent=near_limit_percent(),
    )
    flagged = [row.scheme_id for row in run.schemes if row.near_limit]
    log.info(
        "clearing run %s: %d trades, gross %d, bilateral %d, multilateral %d, near limit %s",
        run.id,
        run.trade_count,
        run.gross,
        run.bilateral_net,
        run.multilateral_net,
        flagged,
    )
