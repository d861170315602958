"""The history of each scheme's rate; the current rate is kept on the scheme itself."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow


class RateChange(Model):
    """One setting of a scheme's rate: units of its currency per federation unit."""

    __tablename__ = "federation_rate_changes"
    __table_args__ = (
        CheckConstraint("rate_num > 0 AND rate_den > 0", name="rate_positive"),
        Index("ix_federation_rate_changes_scheme", "scheme_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    rate_num: Mapped[int]
    rate_den: Mapped[int]
    #: Who set it (null: provisioning or the shell).
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def rate(self) -> Fraction:
        return Fraction(self.rate_num, self.rate_den)
