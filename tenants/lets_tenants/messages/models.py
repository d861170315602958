"""Messages and blocks. A message between schemes belongs to both: its row carries the
sender's scheme and the recipient's, and row-level security shows it to either."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow
from lets_tenants.membership.models import Membership

MAX_SUBJECT = 120
MAX_BODY = 4000


class Message(Model):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("length(body) > 0", name="body_present"),
        Index("ix_messages_recipient", "recipient_id", "created_at"),
        Index("ix_messages_sender", "sender_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    #: The sender's scheme.
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    recipient_scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    subject: Mapped[str] = mapped_column(String(MAX_SUBJECT), default="")
    body: Mapped[str] = mapped_column(String(MAX_BODY))
    #: The listing it is about, if any (of either scheme; no foreign key, it may go).
    listing_id: Mapped[int | None] = mapped_column(BigIntPK)
    #: Hidden by a moderator of the sender's scheme after a report.
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    sender: Mapped[Membership] = relationship(foreign_keys=[sender_id], lazy="joined")
    recipient: Mapped[Membership] = relationship(foreign_keys=[recipient_id], lazy="joined")


class Block(Model):
    """The member ``blocker_id`` receives no messages from ``blocked_id``."""

    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    #: The blocker's scheme.
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    blocker_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
