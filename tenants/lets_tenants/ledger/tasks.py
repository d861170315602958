"""Jobs of the ledger: a full audit of the books, run by a worker (e.g. nightly from cron)."""

from __future__ import annotations

import logging

from lets_platform import invariants
from lets_platform.jobs import actor

log = logging.getLogger(__name__)


@actor(max_retries=0)
def audit_books(scheme: str | None = None) -> int:
    """Run every registered audit check; log each finding; return how many there were."""
    findings = invariants.run_all(scheme)
    for finding in findings:
        log.error("audit: %s: %s: %s", finding.scheme, finding.check, finding.detail)
    if not findings:
        log.info("audit passed for %s", scheme or "every scheme")
    return len(findings)
