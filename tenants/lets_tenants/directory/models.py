"""The directory's tables: each scheme's category tree and its listings (offers and wants).

Offers brought in by imports are listings like any other (migration 0018 moved the old
``offers`` table into ``listings``). Search indexes live beside the table, outside the
models: a generated ``tsvector`` column with a GIN index on PostgreSQL, an FTS5 table kept by
triggers on SQLite (migration 0018; ``directory.search`` queries both).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow
from lets_tenants.membership.models import Membership

KINDS = ("offer", "want")
VISIBILITIES = ("scheme", "federation", "group")
STATUSES = ("active", "hidden", "expired")
MAX_TITLE = 120
MAX_DESCRIPTION = 4000
MAX_CATEGORY = 60
MAX_AREA = 80
MAX_TAGS = 400


class Category(Model):
    """One node of a scheme's category tree ("Food" > "Baking")."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("scheme_id", "slug"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    slug: Mapped[str] = mapped_column(String(MAX_CATEGORY))
    name: Mapped[str] = mapped_column(String(MAX_CATEGORY))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))


class Listing(Model):
    """An offer or a want of one member, in one category, seen by the scheme, the
    federation or one group."""

    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("kind IN ('offer', 'want')", name="kind"),
        CheckConstraint("visibility IN ('scheme', 'federation', 'group')", name="visibility"),
        CheckConstraint("status IN ('active', 'hidden', 'expired')", name="status"),
        CheckConstraint("length(title) > 0", name="title_present"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        CheckConstraint("(visibility = 'group') = (group_id IS NOT NULL)", name="group_named"),
        Index("ix_listings_scheme_updated", "scheme_id", "updated_at"),
        Index("ix_listings_visibility", "visibility", "status"),
        Index("ix_listings_expires", "status", "expires_on"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    #: The member who offers or wants it.
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    #: Markdown (a safe subset), stored as written; rendered through ``directory.text``.
    description: Mapped[str] = mapped_column(String(MAX_DESCRIPTION), default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    #: Indicative price in the currency's minor units; ``per_hour`` makes it a rate.
    price: Mapped[int | None]
    per_hour: Mapped[bool] = mapped_column(default=False)
    area: Mapped[str] = mapped_column(String(MAX_AREA), default="")
    #: Lower-case tags joined by single spaces (searched with the text).
    tags: Mapped[str] = mapped_column(String(MAX_TAGS), default="")
    visibility: Mapped[str] = mapped_column(String(12), default="scheme")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    status: Mapped[str] = mapped_column(String(8), default="active")
    expires_on: Mapped[date]
    #: When the owner was last told the listing lapses soon (one reminder per expiry).
    reminded_for: Mapped[date | None]
    #: Who entered it, when not the owner (a directory editor for a paper member).
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[Membership] = relationship(lazy="joined")
    category: Mapped[Category] = relationship(lazy="joined")


class DirectoryExport(Model):
    """A printable directory being made by a job (PDF or CSV), with its progress."""

    __tablename__ = "directory_exports"
    __table_args__ = (
        CheckConstraint("format IN ('pdf', 'csv')", name="format"),
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    format: Mapped[str] = mapped_column(String(4))
    state: Mapped[str] = mapped_column(String(8), default="queued")
    #: Listings written so far, of ``total``.
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    #: The finished file's key in the storage.
    file: Mapped[str | None] = mapped_column(String(200))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
