"""The feedback table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow

RATINGS = ("positive", "neutral", "negative")
MAX_COMMENT = 1000


class Feedback(Model):
    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("transfer_id", "author_id"),
        CheckConstraint("rating IN ('positive', 'neutral', 'negative')", name="rating"),
        CheckConstraint("author_id <> subject_id", name="not_on_oneself"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    transfer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transfers.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    #: The other party, on whom the feedback is.
    subject_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    rating: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(String(MAX_COMMENT), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
