"""Jobs of the balance migration: one batch per message, each sending the next after it
commits; a periodic sweep re-sends the next batch of any run still running (a worker
that died with a message in hand)."""

from __future__ import annotations

import logging

from lets_federation.migration.operations import BATCH_SIZE, resume_running, run_batch
from lets_platform import jobs
from lets_platform.jobs import actor

log = logging.getLogger(__name__)

#: Seconds between sweeps for runs left running, sent by ``lets scheduler``.
RESUME_EVERY = 60


@actor(max_retries=20, min_backoff=200, max_backoff=30_000)
def migrate_batch(run_id: str, size: int = BATCH_SIZE) -> None:
    """Move one batch of a run; a batch already done (a redelivery) moves nothing."""
    if run_batch(run_id, size):
        jobs.send_after_commit(migrate_batch, run_id, size)
    else:
        log.info("migration %s: no more batches", run_id)


@actor(max_retries=3)
def resume_migrations() -> None:
    """Send the next batch of every run still running."""
    if count := resume_running():
        log.info("resumed %d migration run(s)", count)
