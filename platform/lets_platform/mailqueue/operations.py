"""Queueing mail and delivering it, at least once, through the configured sender.

:func:`enqueue` writes the row and asks for a job once the transaction commits (nothing
is queued if it rolls back). :func:`deliver` sends one row under its row lock (another
worker skips it) and stamps ``sent_at``; a failure is recorded on the row (``attempts``,
``last_error``) and tried again by the periodic job after a back-off that doubles from
one minute to an hour, up to ``LETS_MAIL_MAX_ATTEMPTS`` attempts. A process killed
between the mail server's acceptance and the commit sends that mail again on the next
try: delivery is at least once, with the same Message-ID.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from lets_platform import clock, jobs, mail
from lets_platform.db import db
from lets_platform.mailqueue.models import QueuedMail

DEFAULT_MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)


def enqueue(to: str, subject: str, body: str, *, scheme_id: int | None = None) -> QueuedMail:
    """Queue a plain-text mail from the hub to ``to``; it leaves after this commits."""
    from lets_platform.mailqueue.tasks import send_mail

    row = QueuedMail(
        scheme_id=scheme_id,
        to_address=to,
        subject=subject,
        body=body,
        message_id=mail.new_message_id(),
        queued_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    jobs.send_after_commit(send_mail, row.id)
    return row


def max_attempts() -> int:
    return int(current_app.config.get("LETS_MAIL_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)


def retry_after(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed attempt a mail is tried again."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def due(now: datetime, limit: int = 200) -> list[int]:
    """Ids of unsent mail whose next attempt is due at ``now``, oldest first."""
    rows = db.session.execute(
        select(QueuedMail.id, QueuedMail.attempts, QueuedMail.last_attempt_at)
        .where(QueuedMail.sent_at.is_(None), QueuedMail.attempts < max_attempts())
        .order_by(QueuedMail.id)
        .limit(limit)
    )
    return [
        mail_id
        for mail_id, attempts, last in rows
        if last is None or last + retry_after(attempts) <= now
    ]


def as_message(row: QueuedMail) -> EmailMessage:
    message = mail.message(row.to_address, row.subject, row.body, sent=row.queued_at)
    message.replace_header("Message-ID", row.message_id)
    return message


def deliver(mail_id: int) -> bool:
    """Send one queued mail unless it was sent or another worker holds it; returns whether
    it left now. A failed send is recorded on the row, not raised (flush only)."""
    row = db.session.scalar(
        select(QueuedMail)
        .where(QueuedMail.id == mail_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if row is None or row.sent_at is not None:
        return False
    now = clock.now()
    row.attempts += 1
    row.last_attempt_at = now
    try:
        mail.send(as_message(row))
    except Exception as exc:  # the server is down, refuses, or no sender is configured
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        db.session.flush()
        return False
    row.sent_at, row.last_error = now, None
    db.session.flush()
    return True
