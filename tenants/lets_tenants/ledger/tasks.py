"""Jobs of the ledger: a full audit of the books, run by a worker (e.g. nightly from cron)."""

from __future__ import annotations

import logging

from lets_platform import invariants
from lets_platform.audit.operations import record
from lets_platform.jobs import actor

log = logging.getLogger(__name__)


@actor(max_retries=0)
def audit_books(scheme: str | None = None) -> None:
    """Run every registered audit check, log each finding and record the run in the audit log."""
    findings = invariants.run_all(scheme)
    record(
        "books.audited",
        f"scheme:{scheme or '*'}",
        actor_id=None,
        findings=len(findings),
        checks=invariants.names(),
    )
    for finding in findings:
        log.error("audit: %s: %s: %s", finding.scheme, finding.check, finding.detail)
    if not findings:
        log.info("audit passed for %s", scheme or "every scheme")
