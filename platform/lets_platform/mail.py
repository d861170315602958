"""Sending email through a pluggable sender chosen by ``LETS_MAIL_SENDER``.

``outbox`` (the embedded default) writes each message as an ``.eml`` file into
``<instance>/outbox/`` (or ``LETS_MAIL_OUTBOX``), where tests and a person trying the hub
read them; ``smtp`` sends through the server of ``LETS_SMTP_URL``
(``smtp://user:password@host:587`` with STARTTLS, ``smtps://...:465`` for TLS from the
start). Senders are a registry, so another (an HTTP mail API) is one function away.
Mail goes through the mail queue (``lets_platform.mailqueue.enqueue``), which calls
:func:`send` from a job after the transaction that queued it commits, and again later
for whatever is still unsent; never send inside a request's transaction. A mail that
carries a secret (a one-time link) leaves by :func:`send_after_commit` instead, so that
the secret is written neither to the job queue nor to the mail queue's table.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from lets_platform.db import db
from lets_platform.errors import _error

log = logging.getLogger(__name__)

DEFAULT_SENDER = "outbox"
DEFAULT_FROM = "lets hub <no-reply@lets.invalid>"

MailNotConfigured = _error(
    "mail_not_configured", 500, "The mail sender is unknown or misses its settings."
)

Sender = Callable[[EmailMessage], None]
_senders: dict[str, Sender] = {}


def sender(name: str) -> Callable[[Sender], Sender]:
    """Register a sender under ``name`` (the value ``LETS_MAIL_SENDER`` names)."""

    def add(fn: Sender) -> Sender:
        _senders[name] = fn
        return fn

    return add


def new_message_id() -> str:
    return make_msgid(domain="lets.invalid")


def message(to: str, subject: str, body: str, *, sent: datetime | None = None) -> EmailMessage:
    """A plain-text message from the hub's address (``LETS_MAIL_FROM``), dated ``sent``
    (default: now)."""
    mail = EmailMessage()
    mail["From"] = current_app.config.get("LETS_MAIL_FROM") or DEFAULT_FROM
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = (
        format_datetime(sent.astimezone(UTC), usegmt=True) if sent else formatdate(usegmt=True)
    )
    mail["Message-ID"] = new_message_id()
    mail.set_content(body)
    return mail


def send(mail: EmailMessage) -> None:
    """Hand ``mail`` to the configured sender; raises if it cannot be sent (jobs retry)."""
    name = current_app.config.get("LETS_MAIL_SENDER") or DEFAULT_SENDER
    if name not in _senders:
        raise MailNotConfigured(f"LETS_MAIL_SENDER={name!r} is not one of {sorted(_senders)}.")
    _senders[name](mail)


_AFTER_COMMIT = "lets_mail_after_commit"


def send_after_commit(mail: EmailMessage) -> None:
    """Send ``mail`` in this process once the current transaction commits; dropped if it
    rolls back. A failed send is logged, not raised (the request has succeeded): the
    person asks again (a new link), as they would for a lost mail."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.session().info.setdefault(_AFTER_COMMIT, []).append((app, mail))


@event.listens_for(Session, "after_commit")
def _send_queued(session: Session) -> None:
    for app, mail in session.info.pop(_AFTER_COMMIT, []):
        try:
            with app.app_context():
                send(mail)
        except Exception:
            log.exception("could not send mail %r to %s", mail["Subject"], mail["To"])


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:
        session.info.pop(_AFTER_COMMIT, None)


def outbox_path() -> Path:
    configured = current_app.config.get("LETS_MAIL_OUTBOX")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


@sender("outbox")
def _to_outbox(mail: EmailMessage) -> None:
    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.eml"
    partial = folder / f".{name}.tmp"
    partial.write_bytes(mail.as_bytes(policy=policy.SMTP))
    partial.rename(folder / name)  # a reader never sees half a message


def read_outbox(folder: Path | None = None) -> list[EmailMessage]:
    """Every message in the outbox, oldest first (for tests and ``lets demo``)."""
    folder = folder or outbox_path()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in files]


@sender("smtp")
def _by_smtp(mail: EmailMessage) -> None:
    url = current_app.config.get("LETS_SMTP_URL")
    if not url:
        raise MailNotConfigured("LETS_MAIL_SENDER=smtp needs LETS_SMTP_URL.")
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailNotConfigured("LETS_SMTP_URL is smtp://[user:password@]host[:port].")
    secure = parts.scheme == "smtps"
    connect = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with connect(parts.hostname, parts.port or (465 if secure else 587), timeout=30) as server:
        if not secure and server.has_extn("starttls"):
            server.starttls()
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        server.send_message(mail)
