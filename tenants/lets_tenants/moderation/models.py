"""The reports table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow

SUBJECTS = ("listing", "event", "message", "profile")
REPORT_STATES = ("open", "hidden", "dismissed")
MAX_REASON = 1000


class Report(Model):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("subject IN ('listing', 'event', 'message', 'profile')", name="subject"),
        CheckConstraint("state IN ('open', 'hidden', 'dismissed')", name="state"),
        Index("ix_reports_scheme_state", "scheme_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    subject: Mapped[str] = mapped_column(String(8))
    #: The reported item's id (a profile: its membership's id).
    subject_id: Mapped[int] = mapped_column(BigIntPK)
    reason: Mapped[str] = mapped_column(String(MAX_REASON))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    state: Mapped[str] = mapped_column(String(10), default="open")
    note: Mapped[str] = mapped_column(String(MAX_REASON), default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
