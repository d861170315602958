"""The imports table: one row per import that was written, for the scheme's records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow


class Import(Model):
    __tablename__ = "imports"
    __table_args__ = (
        CheckConstraint("members >= 0 AND central_accounts >= 0 AND offers >= 0", name="counts"),
        CheckConstraint("total_credit >= 0", name="total_credit"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    #: Who ran it; null for an operator at the shell (the national body).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    members: Mapped[int]
    central_accounts: Mapped[int]
    offers: Mapped[int]
    #: Sum of the positive opening balances, minor units (the negative ones sum to minus it).
    total_credit: Mapped[int]
    #: SHA-256 (hex) of the files as uploaded, so that the source can be matched later.
    accounts_sha256: Mapped[str] = mapped_column(String(64))
    offers_sha256: Mapped[str | None] = mapped_column(String(64))
