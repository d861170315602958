"""Tables for persons, their API tokens and the roles granted to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow


class Person(Model):
    """One human with one login, who may hold memberships in several schemes."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    #: Stored lower-cased; the login name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    #: argon2 (or scrypt) hash; null for persons who have not set a password yet.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: National administrator: may act in every scheme as its organisers may.
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Failed web logins in a row since the last success or lock-out.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    #: While in the future, every login is refused, even with the right password.
    locked_until: Mapped[datetime | None]


class ApiToken(Model):
    """A personal bearer token; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="cli")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class RoleGrant(Model):
    """A role held by a person in one scheme (``scheme_id``), for one regional network
    (``network_id``, the regional organiser), or platform-wide (both null).

    Grants are never deleted: revoking sets ``revoked_at`` so that the history stays.
    """

    __tablename__ = "role_grants"
    __table_args__ = (
        Index("ix_role_grants_lookup", "person_id", "scheme_id", "role"),
        UniqueConstraint("person_id", "scheme_id", "role", "granted_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("schemes.id"))
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id"))
    role: Mapped[str] = mapped_column(String(40))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    granted_by: Mapped[Person | None] = relationship(foreign_keys=[granted_by_id], viewonly=True)
