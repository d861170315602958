"""A scheme's constitution: append-only versions, each its text and typed parameters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow


class ConstitutionVersion(Model):
    """One version of a scheme's constitution. Never updated: a change is a new version
    (``number`` + 1) that names what authorised it."""

    __tablename__ = "constitution_versions"
    __table_args__ = (UniqueConstraint("scheme_id", "number"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    number: Mapped[int]
    #: The template the first version came from ("wiltshire", "bright", "london", "model").
    template: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    #: {parameter: value}; see ``constitution.parameters``.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: {parameter: clause of the text it comes from, or null where the text is silent}.
    clauses: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: How this version came to be: "provisioned", "motion" or "committee".
    authority: Mapped[str] = mapped_column(String(16))
    #: The motion (at a meeting) or ballot that adopted it, for ``motion``.
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    adopted_at: Mapped[datetime] = mapped_column(default=utcnow)
