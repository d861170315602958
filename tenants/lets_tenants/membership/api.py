"""REST handlers for members: organisers add them; members of the scheme list them."""

from __future__ import annotations

from typing import Any

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_tenants.accounts.operations import get_account
from lets_tenants.context import scheme_for
from lets_tenants.membership import operations as ops
from lets_tenants.membership.schemas import (
    MemberIn,
    MemberOut,
    RoleIn,
    RoleOut,
    member_out,
    role_out,
)

blp = Blueprint(
    "members",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Members of a scheme",
)


@blp.route("/members", methods=["POST"])
@blp.arguments(MemberIn)
@blp.response(201, MemberOut)
def add_member(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "members.add")
    membership = ops.add_member(found, actor=person, **body)
    return member_out(found, membership, get_account(found, membership.handle))


@blp.route("/members", methods=["GET"])
@blp.response(200, MemberOut(many=True))
def list_members(scheme: str) -> list[dict[str, Any]]:
    """Members see the list of handles and names; organisers also see every account."""
    person, found = scheme_for(scheme, "members.list")
    with_accounts = permissions.can(person, "accounts.read_any", found.id)
    return [
        member_out(found, m, get_account(found, m.handle) if with_accounts else None)
        for m in ops.list_members(found)
    ]


@blp.route("/roles", methods=["GET"])
@blp.response(200, RoleOut(many=True))
def list_roles(scheme: str) -> list[dict[str, Any]]:
    """Who holds which role in the scheme, granted by whom and when."""
    _, found = scheme_for(scheme, "roles.read")
    return [role_out(m, g) for m, g in ops.role_holders(found)]


@blp.route("/members/<handle>/roles", methods=["POST"])
@blp.arguments(RoleIn)
@blp.response(201, RoleOut)
def grant_role(body: dict[str, Any], scheme: str, handle: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "roles.grant")
    grant = ops.grant_scheme_role(found, handle, body["role"], actor=person)
    return role_out(ops.get_member(found, handle), grant)


@blp.route("/members/<handle>/roles/<role>", methods=["DELETE"])
@blp.response(204)
def revoke_role(scheme: str, handle: str, role: str) -> None:
    person, found = scheme_for(scheme, "roles.grant")
    ops.revoke_scheme_role(found, handle, role, actor=person)
