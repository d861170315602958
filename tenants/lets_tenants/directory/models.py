"""The offers table: what a member offers the scheme, as listed in its directory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow

OFFER_STATUSES = ("active", "withdrawn")
MAX_TITLE = 120
MAX_DESCRIPTION = 2000
MAX_CATEGORY = 60


class Offer(Model):
    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'withdrawn')", name="status"),
        CheckConstraint("length(title) > 0", name="title_present"),
        Index("ix_offers_scheme_status", "scheme_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    #: The member who offers it.
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    description: Mapped[str] = mapped_column(String(MAX_DESCRIPTION), default="")
    #: Free text for now ("Food", "Gardening"); the directory will bring a category list.
    category: Mapped[str | None] = mapped_column(String(MAX_CATEGORY))
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
