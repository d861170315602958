"""Jobs of the mail queue: send one mail after its transaction commits; every minute, send
whatever is still unsent and due (``lets scheduler``)."""

from __future__ import annotations

import logging

from lets_platform import clock
from lets_platform.db import db
from lets_platform.jobs import actor
from lets_platform.mailqueue.operations import deliver, due

log = logging.getLogger(__name__)

SEND_UNSENT_EVERY = 60


@actor(max_retries=0)
def send_mail(mail_id: int) -> None:
    """Send one queued mail (a failure waits for ``send_unsent_mail``'s next try)."""
    if deliver(mail_id):
        log.info("mail %s sent", mail_id)


@actor(max_retries=0)
def send_unsent_mail() -> None:
    """Send every unsent mail that is due, each in a transaction of its own, so that one
    sent mail is stamped even if a later one fails or the worker dies."""
    sent = 0
    for mail_id in due(clock.now()):
        sent += deliver(mail_id)
        db.session.commit()
    if sent:
        log.info("sent %d queued mail(s)", sent)
