"""The mail queue's table: one row per mail, kept after it is sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow


class QueuedMail(Model):
    """A mail to send, or sent (``sent_at``). Rows about a scheme carry its id, so that
    row-level security keeps them with the scheme; the hub's own have none."""

    __tablename__ = "mail_queue"
    __table_args__ = (Index("ix_mail_queue_sent_at", "sent_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("schemes.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: The Message-ID every attempt sends, so a receiving server can tell a repeat.
    message_id: Mapped[str] = mapped_column(String(255))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime | None]
    #: Why the last attempt failed (cleared when one succeeds).
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]
