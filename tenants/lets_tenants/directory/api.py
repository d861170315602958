"""REST handlers for listings, categories and the search across schemes."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from marshmallow import Schema, fields

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.identity.models import Person
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.context import scheme_for
from lets_tenants.directory import categories as cats
from lets_tenants.directory import operations as ops
from lets_tenants.directory import printable
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
from lets_tenants.membership.operations import get_member

blp = Blueprint(
    "listings",
    __name__,
    url_prefix=API_PREFIX,
    description="The directory: offers and wants, categories, search across schemes",
)
READ = "directory.read"
PRINT = "directory.print"


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
        **listing_out(hit.listing, hit.scheme, hit.decimals, rendered=False),
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
    if args["owner"]:
        get_member(found, args["owner"])  # another scheme's handle is not found
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


class DirectoryArgs(Schema):
    format = fields.String(load_default="pdf")


class ExportIn(Schema):
    format = fields.String(load_default="pdf")


class ExportOut(Schema):
    id = fields.Integer()
    format = fields.String()
    state = fields.String()
    done = fields.Integer()
    total = fields.Integer()
    file_url = fields.String(allow_none=True)


def _export_out(slug: str, export: Any) -> dict[str, Any]:
    url = f"{API_PREFIX}/schemes/{slug}/directory/exports/{export.id}/file"
    return {
        "id": export.id,
        "format": export.format,
        "state": export.state,
        "done": export.done,
        "total": export.total,
        "file_url": url if export.state == "done" else None,
    }


def _file(slug: str, fmt: str, data: bytes) -> Response:
    name = f"{slug}-directory.{fmt}"
    return Response(
        data,
        mimetype=printable.MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blp.route("/schemes/<scheme>/directory", methods=["GET"])
@blp.arguments(DirectoryArgs, location="query")
def printable_directory(args: dict[str, Any], scheme: str) -> Any:
    """The printable directory as PDF or CSV; for a large scheme, 202 with an export to
    follow (``.../directory/exports/{id}``) while a job makes it."""
    person, found = scheme_for(scheme, PRINT)
    fmt = printable.check_format(args["format"])
    if printable.needs_job(found):
        export = printable.request_export(found, fmt, person)
        body = _export_out(found.slug, export)
        location = f"{API_PREFIX}/schemes/{found.slug}/directory/exports/{export.id}"
        return jsonify(body), 202, {"Location": location}
    return _file(found.slug, fmt, printable.RENDER[fmt](found))


@blp.route("/schemes/<scheme>/directory/exports", methods=["POST"])
@blp.arguments(ExportIn)
@blp.response(202, ExportOut)
def request_export(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, PRINT)
    return _export_out(found.slug, printable.request_export(found, body["format"], person))


@blp.route("/schemes/<scheme>/directory/exports/<export_id>", methods=["GET"])
@blp.response(200, ExportOut)
def get_export(scheme: str, export_id: str) -> dict[str, Any]:
    _, found = scheme_for(scheme, PRINT)
    return _export_out(found.slug, printable.get_export(found, export_id))


@blp.route("/schemes/<scheme>/directory/exports/<export_id>/file", methods=["GET"])
def export_file(scheme: str, export_id: str) -> Response:
    _, found = scheme_for(scheme, PRINT)
    export = printable.get_export(found, export_id)
    return _file(found.slug, export.format, printable.export_file(export))
