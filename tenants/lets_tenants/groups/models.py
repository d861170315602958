"""Groups and their members (and invitations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow

GROUP_VISIBILITIES = ("open", "invite")
MAX_NAME = 80
MAX_DESCRIPTION = 1000


class Group(Model):
    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("scheme_id", "name"),
        CheckConstraint("visibility IN ('open', 'invite')", name="visibility"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    description: Mapped[str] = mapped_column(String(MAX_DESCRIPTION), default="")
    visibility: Mapped[str] = mapped_column(String(8), default="open")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupMember(Model):
    """A member of a group, or one invited who has not joined yet."""

    __tablename__ = "group_members"
    __table_args__ = (
        UniqueConstraint("group_id", "membership_id"),
        CheckConstraint("state IN ('member', 'invited')", name="state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    state: Mapped[str] = mapped_column(String(8), default="member")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
