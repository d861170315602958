"""Mail the governance areas send (the committee told of an EGM request, reminders of
minutes and renewals, terminations and appeals): written to the durable mail queue in the
transaction of the change that causes it, so it leaves after commit and is retried until
sent (``lets_platform.mailqueue``); nothing is sent if the change rolls back."""

from __future__ import annotations

from lets_platform.jobs import actor
from lets_platform.mail import message, send
from lets_platform.mailqueue.operations import enqueue


@actor(max_retries=10, min_backoff=1_000, max_backoff=600_000)
def send_governance_mail(to: str, subject: str, body: str) -> None:
    """Kept for messages a broker may still hold from before the durable queue."""
    send(message(to, subject, body))


def queue(to: str | None, subject: str, body: str, *, scheme_id: int | None = None) -> None:
    """Send after commit; a person without an email address (a paper member) gets none."""
    if to:
        enqueue(to, subject, body, scheme_id=scheme_id)
