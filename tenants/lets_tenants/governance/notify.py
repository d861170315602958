"""Mail the governance areas send (the committee told of an EGM request, reminders of
minutes and renewals): queued with the change that causes it, sent by a job after commit."""

from __future__ import annotations

from lets_platform import jobs
from lets_platform.jobs import actor
from lets_platform.mail import message, send


@actor(max_retries=10, min_backoff=1_000, max_backoff=600_000)
def send_governance_mail(to: str, subject: str, body: str) -> None:
    send(message(to, subject, body))


def queue(to: str | None, subject: str, body: str) -> None:
    """Send after commit; a person without an email address (a paper member) gets none."""
    if to:
        jobs.send_after_commit(send_governance_mail, to, subject, body)
