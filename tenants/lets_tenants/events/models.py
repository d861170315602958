"""Events and their RSVPs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow

MAX_TITLE = 120
MAX_LOCATION = 200
MAX_DESCRIPTION = 4000
RSVP_STATES = ("going", "waiting")


class Event(Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("status IN ('active', 'hidden')", name="status"),
        Index("ix_events_scheme_starts", "scheme_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    location: Mapped[str] = mapped_column(String(MAX_LOCATION))
    description: Mapped[str] = mapped_column(String(MAX_DESCRIPTION), default="")
    #: Places; null for no limit.
    capacity: Mapped[int | None]
    #: Only this group's members see it, when set.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    status: Mapped[str] = mapped_column(String(8), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rsvp(Model):
    """A member going to an event, or waiting for a place (first come, first served)."""

    __tablename__ = "rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "membership_id"),
        CheckConstraint("state IN ('going', 'waiting')", name="state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    state: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
