"""Tables for persons, their API tokens and the roles granted to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow


class Person(Model):
    """One human with one login, who may hold memberships in several schemes."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    #: Stored lower-cased; the login name. Null for a member without email (organisers
    #: act for them; they can be invited once they have one).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
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


LINK_PURPOSES = ("invitation", "password_reset", "email_change")


class OneTimeLink(Model):
    """A link sent by mail that does one thing once before it expires: accept an
    invitation (set a first password), reset a password, confirm a new email address.
    Only the token's SHA-256 is kept."""

    __tablename__ = "one_time_links"
    __table_args__ = (
        CheckConstraint(
            "purpose IN ('invitation', 'password_reset', 'email_change')", name="purpose"
        ),
        Index("ix_one_time_links_person", "person_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The address an ``email_change`` link confirms; the address an invitation went to.
    email: Mapped[str | None] = mapped_column(String(254))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    #: When it was used, or replaced by a newer link of the same purpose.
    used_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(foreign_keys=[person_id], viewonly=True)
