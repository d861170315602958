"""REST handlers for groups (mini-networks)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.context import scheme_for
from lets_tenants.groups import operations as ops
from lets_tenants.groups.models import Group
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import membership_of

blp = Blueprint(
    "member_groups",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>/groups",
    description="Groups of members: open or by invitation",
)


class GroupIn(Schema):
    name = fields.String(required=True)
    description = fields.String(load_default="")
    visibility = fields.String(load_default="open")


class GroupMemberIn(Schema):
    handle = fields.String(required=True)


class GroupOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    visibility = fields.String()
    membership = fields.String(allow_none=True)
    members = fields.List(fields.Dict())


def _me(person: Person, scheme: Scheme) -> Membership:
    member = membership_of(person, scheme)
    if member is None:
        raise ops.NotInGroup("Only members of the scheme belong to its groups.")
    return member


def _out(group: Group, member: Membership | None) -> dict[str, Any]:
    state = ops.state_of(group, member)
    return {
        "id": group.id,
        "name": group.name,
        "description": group.description,
        "visibility": group.visibility,
        "membership": state,
        "members": [{"handle": m.handle, "state": s} for m, s in ops.group_members(group)]
        if state == "member"
        else [],
    }


@blp.route("", methods=["POST"])
@blp.arguments(GroupIn)
@blp.response(201, GroupOut)
def create_group(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "directory.list_own")
    member = _me(person, found)
    return _out(ops.create_group(found, member, **body), member)


@blp.route("", methods=["GET"])
@blp.response(200, GroupOut(many=True))
def list_groups(scheme: str) -> list[dict[str, Any]]:
    person, found = scheme_for(scheme, "directory.read")
    member = membership_of(person, found)
    return [_out(g, member) for g, _ in ops.list_groups(found, member)]


@blp.route("/<group_id>", methods=["GET"])
@blp.response(200, GroupOut)
def get_group(scheme: str, group_id: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "directory.read")
    member = membership_of(person, found)
    return _out(ops.get_group(found, group_id, member), member)


@blp.route("/<group_id>/members", methods=["POST"])
@blp.arguments(GroupMemberIn)
@blp.response(201, GroupOut)
def add_member(body: dict[str, Any], scheme: str, group_id: str) -> dict[str, Any]:
    """Your own handle joins (an open group, or one you were invited to); another's
    invites them (members of the group invite)."""
    person, found = scheme_for(scheme, "directory.list_own")
    group = ops.get_group(found, group_id, membership_of(person, found))
    member = _me(person, found)
    ops.add_to_group(found, group, member, body["handle"], by=person)
    return _out(group, member)


@blp.route("/<group_id>/members/<handle>", methods=["DELETE"])
@blp.response(204)
def leave(scheme: str, group_id: str, handle: str) -> None:
    person, found = scheme_for(scheme, "directory.list_own")
    group = ops.get_group(found, group_id, membership_of(person, found))
    member = _me(person, found)
    if handle != member.handle:
        raise ops.NotInGroup("You may only take yourself out of a group.")
    ops.leave_group(found, group, member)
