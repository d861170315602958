"""Full-text search over listings' titles, tags and descriptions, with filters.

PostgreSQL: the stored ``tsvector`` (``'simple'`` configuration, weighted title > tags >
description) matched against a prefix query (``garden:*`` finds "gardening"), ranked by
``ts_rank_cd``, served by the GIN index of migration 0018.
SQLite: the FTS5 table ``listings_fts`` with prefix queries, ranked by ``bm25``. Either
way the viewer's visibility rule (``viewer.listing_visible``) is part of the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import column, func, literal, literal_column, or_, select, table
from sqlalchemy.orm import aliased, defaultload

from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.models import Category, Listing
from lets_tenants.directory.viewer import Viewer, listing_visible
from lets_tenants.membership.models import Membership

CursorInvalid = _error("cursor_invalid", 422, "The cursor is not one this API gave out.")

#: The generated column of migration 0018 (PostgreSQL only; no model has it): the weighted
#: ``tsvector`` of title, tags and description, with the GIN index ``ix_listings_search``.
TSVECTOR = "listings.search_vector"
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


@dataclass
class Filters:
    q: str = ""
    kind: str | None = None
    category: str | None = None
    area: str | None = None
    scheme: str | None = None
    owner: str | None = None
    updated_since: datetime | None = None


@dataclass
class Hit:
    listing: Listing
    scheme: str
    decimals: int
    unit: str
    rank: float


def terms(q: str) -> list[str]:
    """The words of a query (letters and digits; everything else separates them)."""
    return [w.lower() for w in _WORD.findall(q or "")][:MAX_TERMS]


def _postgres(query: Any, words: list[str]) -> tuple[Any, Any]:
    tsquery = func.to_tsquery(
        literal_column("'simple'::regconfig"), " & ".join(f"{w}:*" for w in words)
    )
    vector: Any = literal_column(TSVECTOR)
    rank = func.ts_rank_cd(vector, tsquery)
    return query.where(vector.op("@@")(tsquery)), rank


def _sqlite(query: Any, words: list[str]) -> tuple[Any, Any]:
    match = " ".join(f'"{w}"*' for w in words)
    fts = table("listings_fts", column("rowid"))  # FTS5, outside the models
    whole: Any = literal_column("listings_fts")
    query = query.join(fts, fts.c.rowid == Listing.id).where(whole.op("MATCH")(match))
    rank = -func.bm25(whole, 10.0, 5.0, 1.0)
    return query, rank


def search(
    viewer: Viewer, filters: Filters, *, limit: int = 20, cursor: str | None = None
) -> tuple[list[Hit], str | None]:
    """Listings ``viewer`` may see that match, best first (newest first without words);
    the page and the next page's cursor (an offset)."""
    offset = _offset(cursor)
    query: Any = (
        select(Listing.id, Scheme.slug, Scheme.currency_decimals, Scheme.currency_name)
        .join(Scheme, Scheme.id == Listing.scheme_id)
        .where(listing_visible(viewer, Listing))
    )
    query = _filtered(query, filters)
    words = terms(filters.q)
    rank: Any = literal(0.0).label("rank")
    if words:
        backend = db.session.get_bind().dialect.name
        query, score = (_postgres if backend == "postgresql" else _sqlite)(query, words)
        rank = score.label("rank")  # ordered by its label: computed once a row
        query = query.add_columns(rank).order_by(rank.desc(), Listing.id.desc())
    else:
        query = query.add_columns(rank).order_by(Listing.updated_at.desc(), Listing.id.desc())
    # The page's ids first (narrow rows to sort), then those listings with their owners
    # and categories: sorting every match with its joined rows cost more than the query.
    rows = db.session.execute(query.offset(offset).limit(limit + 1)).all()
    page = rows[:limit]
    loaded = {
        listing.id: listing
        for listing in db.session.scalars(
            select(Listing)
            .where(Listing.id.in_([row[0] for row in page]))
            .options(defaultload(Listing.owner).lazyload(Membership.person))
        )
    }
    hits = [Hit(loaded[r[0]], r[1], r[2], r[3], float(r[4] or 0)) for r in page if r[0] in loaded]
    return hits, str(offset + limit) if len(rows) > limit else None


def _filtered(query: Any, filters: Filters) -> Any:
    if filters.kind:
        query = query.where(Listing.kind == filters.kind)
    if filters.scheme:
        query = query.where(Scheme.slug == filters.scheme)
    if filters.category:
        parent = aliased(Category)
        query = (
            query.join(Category, Category.id == Listing.category_id)
            .outerjoin(parent, parent.id == Category.parent_id)
            .where(or_(Category.slug == filters.category, parent.slug == filters.category))
        )
    if filters.area:
        query = query.where(func.lower(Listing.area).contains(filters.area.lower().strip()))
    if filters.owner:
        owner = aliased(Membership)
        query = query.join(owner, owner.id == Listing.membership_id).where(
            owner.handle == filters.owner
        )
    if filters.updated_since:
        query = query.where(Listing.updated_at >= filters.updated_since)
    return query


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > 9:
        raise CursorInvalid("The cursor is not one this API gave out.", errors={"cursor": ["?"]})
    return int(cursor)
