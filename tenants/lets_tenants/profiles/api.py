"""REST handlers for profiles and their photos."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.errors import NotFound
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.context import scheme_for
from lets_tenants.directory.viewer import viewer_in
from lets_tenants.membership.operations import get_member
from lets_tenants.profiles import operations as ops
from lets_tenants.profiles.photos import PhotoTypeInvalid
from lets_tenants.profiles.schemas import ProfileIn, ProfileOut, profile_out

blp = Blueprint(
    "member_profiles",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>/members/<handle>",
    description="Members' profiles, each field shown as its member chose",
)


def _viewing(slug: str) -> tuple[Person, Scheme]:
    """Profiles are read across schemes too (the owner of a search result)."""
    return current_person(), get_scheme(slug)


@blp.route("/profile", methods=["GET"])
@blp.response(200, ProfileOut)
def get_profile(scheme: str, handle: str) -> dict[str, Any]:
    person, found = _viewing(scheme)
    member = get_member(found, handle)
    return profile_out(ops.view_profile(found, member, viewer_in(person, found)))


@blp.route("/profile", methods=["PATCH"])
@blp.arguments(ProfileIn)
@blp.response(200, ProfileOut)
def update_profile(body: dict[str, Any], scheme: str, handle: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "directory.read")
    member = get_member(found, handle)
    viewer = viewer_in(person, found)
    ops.update_profile(member, viewer, body, body.get("visibility"))
    return profile_out(ops.view_profile(found, member, viewer))


@blp.route("/profile/photo", methods=["PUT"])
@blp.response(200, ProfileOut)
def put_photo(scheme: str, handle: str) -> dict[str, Any]:
    """multipart/form-data with the image in the field ``photo``."""
    person, found = scheme_for(scheme, "directory.read")
    member = get_member(found, handle)
    viewer = viewer_in(person, found)
    upload = request.files.get("photo")
    if upload is None:
        raise PhotoTypeInvalid("Send the image as the form field 'photo'.", errors={"photo": ["?"]})
    try:
        data = upload.read(ops.photo_read_limit())
    finally:
        upload.close()
    ops.set_photo(member, viewer, data)
    return profile_out(ops.view_profile(found, member, viewer))


@blp.route("/profile/photo", methods=["DELETE"])
@blp.response(204)
def delete_photo(scheme: str, handle: str) -> None:
    person, found = scheme_for(scheme, "directory.read")
    ops.remove_photo(get_member(found, handle), viewer_in(person, found))


@blp.route("/photo", methods=["GET"])
def get_photo(scheme: str, handle: str) -> Response:
    person, found = _viewing(scheme)
    data = ops.photo_bytes(found, get_member(found, handle), viewer_in(person, found))
    if data is None:
        raise NotFound(f"{scheme}/{handle} has no photo you can see.")
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "private, max-age=300"})
