"""Marshmallow schemas of the directory API (the contract's field names)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform.money import format_amount
from lets_tenants.directory.models import KINDS, VISIBILITIES, Category, Listing
from lets_tenants.directory.operations import ListingFields
from lets_tenants.directory.text import render_markdown


class ListingIn(Schema):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    title = fields.String(load_default=None)
    description = fields.String(load_default=None)
    category = fields.String(load_default=None)
    #: A decimal string in the scheme's units ("5.00"); ``per_hour`` makes it a rate.
    price = fields.Raw(load_default=None, allow_none=True, metadata={"type": "string"})
    per_hour = fields.Boolean(load_default=None)
    area = fields.String(load_default=None)
    tags = fields.List(fields.String(), load_default=None)
    visibility = fields.String(load_default=None, validate=validate.OneOf(VISIBILITIES))
    group = fields.Integer(load_default=None, allow_none=True)
    expires_on = fields.Date(load_default=None)
    owner = fields.String(load_default=None, metadata={"description": "a handle (editors)"})


def listing_fields(body: dict[str, Any]) -> ListingFields:
    return ListingFields(**{k: v for k, v in body.items() if k != "owner"})


class ListingArgs(Schema):
    q = fields.String(load_default="")
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    category = fields.String(load_default=None)
    owner = fields.String(load_default=None)
    area = fields.String(load_default=None)
    updated_since = fields.DateTime(load_default=None)
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = fields.String(load_default=None)


class SearchArgs(ListingArgs):
    scheme = fields.String(load_default=None)


class ListingOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    description = fields.String()
    description_html = fields.String()
    category = fields.String()
    price = fields.String(allow_none=True)
    per_hour = fields.Boolean()
    area = fields.String()
    tags = fields.List(fields.String())
    visibility = fields.String()
    group = fields.Integer(allow_none=True)
    owner = fields.String()
    owner_name = fields.String()
    status = fields.String()
    expires_on = fields.Date()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class HitOut(ListingOut):
    scheme = fields.String()
    rank = fields.Float()


class SearchPage(Schema):
    items = fields.List(fields.Nested(HitOut))
    next_cursor = fields.String(allow_none=True)


def listing_out(
    listing: Listing, scheme_slug: str, decimals: int, *, rendered: bool = True
) -> dict[str, Any]:
    """The listing's fields; ``description_html`` only when ``rendered`` (one listing, not
    a page of search results)."""
    out = {
        "id": listing.id,
        "kind": listing.kind,
        "title": listing.title,
        "description": listing.description,
        "category": listing.category.slug,
        "price": None if listing.price is None else format_amount(listing.price, decimals),
        "per_hour": listing.per_hour,
        "area": listing.area,
        "tags": listing.tags.split() if listing.tags else [],
        "visibility": listing.visibility,
        "group": listing.group_id,
        "owner": f"{scheme_slug}/{listing.owner.handle}",
        "owner_name": listing.owner.display_name,
        "status": listing.status,
        "expires_on": listing.expires_on,
        "created_at": listing.created_at,
        "updated_at": listing.updated_at,
    }
    if rendered:
        out["description_html"] = str(render_markdown(listing.description))
    return out


class CategoryIn(Schema):
    name = fields.String(required=True)
    parent = fields.String(load_default=None)


class CategoryOut(Schema):
    slug = fields.String()
    name = fields.String()
    parent = fields.String(allow_none=True)


def categories_out(categories: list[Category]) -> list[dict[str, Any]]:
    slugs = {c.id: c.slug for c in categories}
    return [
        {"slug": c.slug, "name": c.name, "parent": slugs.get(c.parent_id) if c.parent_id else None}
        for c in categories
    ]
