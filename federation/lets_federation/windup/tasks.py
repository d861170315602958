"""Jobs of a wind-up: sending the members' notices."""

from __future__ import annotations

import logging

from lets_federation.windup.notices import deliver
from lets_platform.jobs import actor

log = logging.getLogger(__name__)


@actor(max_retries=10, min_backoff=1_000, max_backoff=600_000)
def send_wind_up_notice(notice_id: int) -> None:
    """Send one member's wind-up notice; a redelivered message finds it sent and does
    nothing. A failing mail server raises, and dramatiq retries with back-off."""
    if deliver(notice_id):
        log.info("wind-up notice %s sent", notice_id)
