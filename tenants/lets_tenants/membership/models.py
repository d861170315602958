"""The membership table: a person in a scheme, under a handle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow
from lets_platform.identity.models import Person


class Membership(Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("scheme_id", "handle"),
        UniqueConstraint("scheme_id", "person_id"),
        CheckConstraint("status IN ('active', 'left')", name="status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    #: The member's name in this scheme and the name of their account; addresses them
    #: across the federation as ``scheme/handle``.
    handle: Mapped[str] = mapped_column(String(40))
    display_name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="active")
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(lazy="joined")
