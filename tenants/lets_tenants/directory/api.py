"""REST handlers for listings, categories and the search across schemes."""

from __future__ import annotations

from typing import Any

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.identity.models import Person
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.context import scheme_for
from lets_tenants.directory import categories as cats
from lets_tenants.directory import operations as ops
from lets_tenants.directory import search as finder
from lets_tenants.directory.schemas import (
    CategoryIn,
    CategoryOut,
    ListingArgs,
    ListingIn,
    ListingOut,
    SearchArgs,
    SearchPage,
    categories_out,
    listing_fields,
    listing_out,
)
from lets_tenants.directory.viewer import viewer_everywhere, viewer_in

blp = Blueprint(
    "listings",
    __name__,
    url_prefix=API_PREFIX,
    description="The directory: offers and wants, categories, search across schemes",
)
READ = "directory.read"


def _filters(args: dict[str, Any]) -> finder.Filters:
    return finder.Filters(
        q=args["q"],
        kind=args["kind"],
        category=args["category"],
        area=args["area"],
        scheme=args.get("scheme"),
        owner=args["owner"],
        updated_since=args["updated_since"],
    )


def _hit(hit: finder.Hit) -> dict[str, Any]:
    return {
        **listing_out(hit.listing, hit.scheme, hit.decimals),
        "scheme": hit.scheme,
        "rank": hit.rank,
    }


@blp.route("/schemes/<scheme>/listings", methods=["POST"])
@blp.arguments(ListingIn)
@blp.response(201, ListingOut)
def create_listing(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, READ)
    listing = ops.create_listing(
        found,
        listing_fields(body),
        actor=person,
        viewer=viewer_in(person, found),
        owner=body["owner"],
    )
    return listing_out(listing, found.slug, found.currency_decimals)


@blp.route("/schemes/<scheme>/listings", methods=["GET"])
@blp.arguments(ListingArgs, location="query")
@blp.response(200, SearchPage)
def list_listings(args: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, READ)
    filters = _filters(args)
    filters.scheme = found.slug
    hits, cursor = finder.search(
        viewer_in(person, found), filters, limit=args["limit"], cursor=args["cursor"]
    )
    return {"items": [_hit(h) for h in hits], "next_cursor": cursor}


def _viewing(slug: str) -> tuple[Person, Scheme]:
    """The caller and the scheme, for reading one listing: a federation-visible listing is
    open to members of every scheme (found by the search), the rest as the viewer rule says."""
    person = current_person()
    return person, get_scheme(slug)


@blp.route("/schemes/<scheme>/listings/<listing_id>", methods=["GET"])
@blp.response(200, ListingOut)
def get_listing(scheme: str, listing_id: str) -> dict[str, Any]:
    person, found = _viewing(scheme)
    listing = ops.get_listing(found, listing_id, viewer_in(person, found))
    return listing_out(listing, found.slug, found.currency_decimals)


@blp.route("/schemes/<scheme>/listings/<listing_id>", methods=["PATCH"])
@blp.arguments(ListingIn)
@blp.response(200, ListingOut)
def update_listing(body: dict[str, Any], scheme: str, listing_id: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, READ)
    viewer = viewer_in(person, found)
    listing = ops.get_listing(found, listing_id, viewer)
    ops.update_listing(found, listing, listing_fields(body), actor=person, viewer=viewer)
    return listing_out(listing, found.slug, found.currency_decimals)


@blp.route("/schemes/<scheme>/listings/<listing_id>", methods=["DELETE"])
@blp.response(204)
def delete_listing(scheme: str, listing_id: str) -> None:
    person, found = scheme_for(scheme, READ)
    viewer = viewer_in(person, found)
    listing = ops.get_listing(found, listing_id, viewer)
    ops.delete_listing(found, listing, actor=person, viewer=viewer)


@blp.route("/schemes/<scheme>/listings/<listing_id>/renew", methods=["POST"])
@blp.response(200, ListingOut)
def renew_listing(scheme: str, listing_id: str) -> dict[str, Any]:
    """One click: the listing runs for another 180 days from today."""
    person, found = scheme_for(scheme, READ)
    viewer = viewer_in(person, found)
    listing = ops.get_listing(found, listing_id, viewer)
    ops.renew_listing(found, listing, actor=person, viewer=viewer)
    return listing_out(listing, found.slug, found.currency_decimals)


@blp.route("/schemes/<scheme>/categories", methods=["GET"])
@blp.response(200, CategoryOut(many=True))
def list_categories(scheme: str) -> list[dict[str, Any]]:
    _, found = scheme_for(scheme, READ)
    return categories_out(cats.list_categories(found))


@blp.route("/schemes/<scheme>/categories", methods=["POST"])
@blp.arguments(CategoryIn)
@blp.response(201, CategoryOut)
def add_category(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    _, found = scheme_for(scheme, "directory.categories")
    category = cats.add_category(found, name=body["name"], parent=body["parent"])
    return {"slug": category.slug, "name": category.name, "parent": body["parent"]}


@blp.route("/directory/search", methods=["GET"])
@blp.arguments(SearchArgs, location="query")
@blp.response(200, SearchPage)
def search(args: dict[str, Any]) -> dict[str, Any]:
    """Listings of the caller's own schemes and every federation-visible listing of the
    others, best match first; owners as ``scheme/handle``."""
    person = current_person()
    scope.allow_all()  # across schemes: the visibility rule is in the query
    hits, cursor = finder.search(
        viewer_everywhere(person), _filters(args), limit=args["limit"], cursor=args["cursor"]
    )
    return {"items": [_hit(h) for h in hits], "next_cursor": cursor}
