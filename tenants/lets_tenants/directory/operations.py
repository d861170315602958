"""Listing offers and wants: create, change, renew, withdraw, read and list, as the owner
or a directory editor (who may list for a paper member). Operations only flush."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from lets_platform import clock, permissions
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.money import parse_signed
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.categories import category_by_slug
from lets_tenants.directory.models import (
    KINDS,
    MAX_AREA,
    MAX_DESCRIPTION,
    MAX_TAGS,
    MAX_TITLE,
    VISIBILITIES,
    Listing,
)
from lets_tenants.directory.text import TextTooLong, check_future, check_text
from lets_tenants.directory.viewer import EDIT_ANY, Viewer, listing_visible
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import get_member

ListingNotFound = _error("listing_not_found", 404, "No such listing that you can see.")
PriceInvalid = _error("price_invalid", 422, "The price must be a decimal amount, zero or more.")
ExpiryTooFar = _error("expiry_too_far", 422, "A listing may run for at most a year.")
KindInvalid = _error("kind_invalid", 422, "A listing is an offer or a want.")
VisibilityInvalid = _error(
    "visibility_invalid", 422, "Visibility is scheme, federation or group (naming the group)."
)
NotAMember = _error(
    "not_a_member", 403, "You are not a member of this scheme; a directory editor names the owner."
)

#: How long a listing runs unless told otherwise, and at most.
DEFAULT_DAYS = 180
MAX_DAYS = 366
MAX_TAG_COUNT = 12


def today() -> date:
    return clock.now().date()


@dataclass
class ListingFields:
    """What a member writes; ``None`` leaves a field as it is (on a change)."""

    kind: str | None = None
    title: str | None = None
    description: str | None = None
    category: str | None = None
    price: Any = None
    per_hour: bool | None = None
    area: str | None = None
    tags: list[str] | None = None
    visibility: str | None = None
    group: int | None = None
    expires_on: date | None = None


def _tags(values: list[str]) -> str:
    cleaned: list[str] = []
    for value in values:
        tag = "-".join(str(value).lower().split())
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAG_COUNT:
        message = f"At most {MAX_TAG_COUNT} tags."
        raise TextTooLong(message, errors={"tags": [message]})
    return check_text("tags", " ".join(cleaned), MAX_TAGS)


def _price(scheme: Scheme, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        minor = parse_signed(value, scheme.currency_decimals)
    except Exception as error:  # the money rules name it; for a listing it is the price
        raise PriceInvalid(str(error), errors={"price": [str(error)]}) from None
    if minor < 0:
        raise PriceInvalid("A price is zero or more.", errors={"price": ["Zero or more."]})
    return minor


def _group(scheme: Scheme, visibility: str, group: int | None, owner: Membership) -> int | None:
    from lets_tenants.groups.operations import require_group_member

    if visibility != "group":
        return None
    if group is None:
        raise VisibilityInvalid(
            "A group-only listing names its group.", errors={"group": ["Choose a group."]}
        )
    return require_group_member(scheme, group, owner).id


def _apply(scheme: Scheme, listing: Listing, fields: ListingFields) -> None:
    """Check and set the given fields (all checks before anything is set)."""
    values: dict[str, Any] = {}
    if fields.kind is not None:
        if fields.kind not in KINDS:
            raise KindInvalid(errors={"kind": ["Choose offer or want."]})
        values["kind"] = fields.kind
    if fields.title is not None:
        values["title"] = check_text("title", fields.title, MAX_TITLE, required=True)
    if fields.description is not None:
        values["description"] = check_text("description", fields.description, MAX_DESCRIPTION)
    if fields.category is not None:
        values["category_id"] = category_by_slug(scheme, fields.category).id
    if fields.price is not None:
        values["price"] = _price(scheme, fields.price)
    if fields.per_hour is not None:
        values["per_hour"] = bool(fields.per_hour)
    if fields.area is not None:
        values["area"] = check_text("area", fields.area, MAX_AREA)
    if fields.tags is not None:
        values["tags"] = _tags(fields.tags)
    if fields.visibility is not None or fields.group is not None:
        visibility = fields.visibility or listing.visibility
        if visibility not in VISIBILITIES:
            raise VisibilityInvalid(errors={"visibility": ["Choose scheme, federation or group."]})
        values["visibility"] = visibility
        values["group_id"] = _group(scheme, visibility, fields.group, listing.owner)
    if fields.expires_on is not None:
        values["expires_on"] = _expiry(fields.expires_on)
    for name, value in values.items():
        setattr(listing, name, value)


def _expiry(value: date) -> date:
    now = today()
    check_future("expires_on", value, now)
    if value > now + timedelta(days=MAX_DAYS):
        message = f"At most a year ahead ({(now + timedelta(days=MAX_DAYS)).isoformat()})."
        raise ExpiryTooFar(message, errors={"expires_on": [message]})
    return value


def _owner(scheme: Scheme, actor: Person, viewer: Viewer, handle: str | None) -> Membership:
    own = viewer.member_id(scheme.id)
    if handle is None or (own is not None and get_member(scheme, handle).id == own):
        if own is None:
            raise NotAMember()
        permissions.require(actor, "directory.list_own", scheme.id)
        return db.session.get_one(Membership, own)
    permissions.require(actor, EDIT_ANY, scheme.id)
    return get_member(scheme, handle)


def create_listing(
    scheme: Scheme, fields: ListingFields, *, actor: Person, viewer: Viewer, owner: str | None
) -> Listing:
    """A new listing of ``owner`` (a handle: a directory editor listing for a paper member)
    or of the actor; scheme-visible and running ``DEFAULT_DAYS`` unless told otherwise."""
    member = _owner(scheme, actor, viewer, owner)
    if fields.kind is None:
        raise KindInvalid(errors={"kind": ["Choose offer or want."]})
    if fields.title is None:
        fields.title = ""
    if fields.category is None:
        fields.category = ""
    now = clock.now()
    listing = Listing(
        scheme_id=scheme.id,
        owner=member,
        membership_id=member.id,
        visibility="scheme",
        status="active",
        per_hour=False,
        description="",
        area="",
        tags="",
        expires_on=today() + timedelta(days=DEFAULT_DAYS),
        entered_by_id=actor.id if member.person_id != actor.id else None,
        created_at=now,
        updated_at=now,
    )
    _apply(scheme, listing, fields)
    db.session.add(listing)
    db.session.flush()
    if listing.entered_by_id is not None:
        record(
            "listing.entered_on_behalf",
            f"listing:{listing.id}",
            actor_id=actor.id,
            scheme_id=scheme.id,
            owner=member.handle,
        )
    return listing


def get_listing(scheme: Scheme, listing_id: Any, viewer: Viewer) -> Listing:
    """The listing, if ``viewer`` may see it; else ``listing_not_found``, whatever the
    reason (another scheme's id, scheme-only, hidden, a group's)."""
    try:
        lid = int(listing_id)
    except (TypeError, ValueError):
        raise ListingNotFound(f"There is no listing {listing_id!r}.") from None
    found = db.session.scalar(
        select(Listing).where(
            Listing.id == lid, Listing.scheme_id == scheme.id, listing_visible(viewer, Listing)
        )
    )
    if found is None:
        raise ListingNotFound(f"There is no listing {lid} in {scheme.slug} that you can see.")
    return found


def require_change(actor: Person, viewer: Viewer, listing: Listing) -> None:
    """Only the owner or a directory editor changes a listing."""
    if viewer.member_id(listing.scheme_id) == listing.membership_id:
        permissions.require(actor, "directory.list_own", listing.scheme_id)
        return
    permissions.require(actor, EDIT_ANY, listing.scheme_id)


def update_listing(
    scheme: Scheme, listing: Listing, fields: ListingFields, *, actor: Person, viewer: Viewer
) -> Listing:
    require_change(actor, viewer, listing)
    _apply(scheme, listing, fields)
    listing.updated_at = clock.now()
    db.session.flush()
    return listing


def renew_listing(scheme: Scheme, listing: Listing, *, actor: Person, viewer: Viewer) -> Listing:
    """One click: runs another ``DEFAULT_DAYS`` from today; a lapsed listing is active again
    (a hidden one stays hidden)."""
    require_change(actor, viewer, listing)
    listing.expires_on = today() + timedelta(days=DEFAULT_DAYS)
    listing.reminded_for = None
    if listing.status == "expired":
        listing.status = "active"
    listing.updated_at = clock.now()
    db.session.flush()
    return listing


def delete_listing(scheme: Scheme, listing: Listing, *, actor: Person, viewer: Viewer) -> None:
    require_change(actor, viewer, listing)
    record(
        "listing.deleted",
        f"listing:{listing.id}",
        actor_id=actor.id,
        scheme_id=scheme.id,
        owner=listing.owner.handle,
        title=listing.title,
    )
    db.session.delete(listing)
    db.session.flush()


def list_listings(
    scheme: Scheme,
    viewer: Viewer,
    *,
    kind: str | None = None,
    category: str | None = None,
    owner: str | None = None,
    limit: int = 50,
    cursor: int | None = None,
) -> tuple[list[Listing], int | None]:
    """The scheme's listings the viewer may see, newest first; and the next page's cursor."""
    query = select(Listing).where(Listing.scheme_id == scheme.id, listing_visible(viewer, Listing))
    if kind:
        query = query.where(Listing.kind == kind)
    if category:
        query = query.where(Listing.category_id == category_by_slug(scheme, category).id)
    if owner:
        query = query.where(Listing.membership_id == get_member(scheme, owner).id)
    if cursor:
        query = query.where(Listing.id < cursor)
    rows = list(db.session.scalars(query.order_by(Listing.id.desc()).limit(limit + 1)))
    return rows[:limit], rows[limit - 1].id if len(rows) > limit else None


def expire_lapsed(now: datetime) -> int:
    """Mark every active listing whose expiry has passed as expired (the daily job)."""
    lapsed = list(
        db.session.scalars(
            select(Listing).where(Listing.status == "active", Listing.expires_on < now.date())
        )
    )
    for listing in lapsed:
        listing.status = "expired"
    db.session.flush()
    return len(lapsed)
