"""Jobs of a wind-up: the notices now go into the mail queue with the decision; this job
stays for messages sent before, and for notices written before the mail queue existed."""

from __future__ import annotations

import logging

from lets_federation.windup.notices import deliver
from lets_platform.jobs import actor

log = logging.getLogger(__name__)


@actor(max_retries=10, min_backoff=1_000, max_backoff=600_000)
def send_wind_up_notice(notice_id: int) -> None:
    """Put one member's wind-up notice into the mail queue unless it is there."""
    if deliver(notice_id):
        log.info("wind-up notice %s queued", notice_id)
