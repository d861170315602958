"""The audit log table: who did what, when, in which scheme, on whose behalf."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow


class AuditEntry(Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_scheme_at", "scheme_id", "at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The person who acted; null for the system (jobs, migrations).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("schemes.id"))
    #: Dotted name of the act, e.g. "account.limits_changed", "transfer.on_behalf".
    action: Mapped[str] = mapped_column(String(60))
    #: What it was done to, e.g. "account:alice" or "transfer:<uuid>".
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
