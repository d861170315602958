"""The profiles table: one per membership, with each field's audience."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow

#: Who may see a field, narrowest first: nobody but the member (and the scheme's
#: organisers), members of the scheme, members of every scheme, anyone.
AUDIENCES = ("private", "scheme", "federation", "public")
FIELDS = ("area", "about", "skills", "contact", "photo")
#: A new profile shows what a printed directory always showed: name, area and skills to
#: the scheme; contact details to the scheme only.
DEFAULT_AUDIENCE: dict[str, str] = {
    "area": "federation",
    "about": "scheme",
    "skills": "federation",
    "contact": "scheme",
    "photo": "scheme",
}
MAX_AREA = 80
MAX_ABOUT = 2000
MAX_SKILLS = 500
MAX_CONTACT = 300


class Profile(Model):
    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("scheme_id", "membership_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    area: Mapped[str] = mapped_column(String(MAX_AREA), default="")
    about: Mapped[str] = mapped_column(String(MAX_ABOUT), default="")
    skills: Mapped[str] = mapped_column(String(MAX_SKILLS), default="")
    contact: Mapped[str] = mapped_column(String(MAX_CONTACT), default="")
    #: The stored photo's key in the configured storage (``lets_platform.storage``).
    photo: Mapped[str | None] = mapped_column(String(200))
    #: field -> one of ``AUDIENCES``; a field missing here has its ``DEFAULT_AUDIENCE``.
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Hidden by a moderator: only the member and the scheme's editors see its fields.
    hidden: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
