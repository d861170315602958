"""REST handlers for members: organisers add them; members of the scheme list them."""

from __future__ import annotations

from typing import Any

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_tenants.accounts.operations import get_account
from lets_tenants.context import scheme_for
from lets_tenants.membership import invitations
from lets_tenants.membership import me as me_ops
from lets_tenants.membership import operations as ops
from lets_tenants.membership.schemas import (
    InvitationIn,
    InvitationOut,
    MemberIn,
    MemberOut,
    MeOut,
    RoleIn,
    RoleOut,
    me_out,
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
    """Add a member (``email`` may be null: a paper member). With an email, the member is
    mailed an invitation to set a password unless ``invite`` is false or they have one."""
    person, found = scheme_for(scheme, "members.add")
    invite = body.pop("invite")
    membership = ops.add_member(found, actor=person, **body)
    invited = invite and invitations.should_invite(membership.person)
    if invited:
        invitations.invite_member(found, membership.handle, actor=person)
    out = member_out(found, membership, get_account(found, membership.handle))
    return {**out, "invited": invited}


@blp.route("/members/<handle>/invitation", methods=["POST"])
@blp.arguments(InvitationIn)
@blp.response(202, InvitationOut)
def invite_member(body: dict[str, Any], scheme: str, handle: str) -> dict[str, Any]:
    """Mail the member a new invitation (single use, for 7 days); ``email`` gives a member
    who has none their address. Earlier invitations stop working."""
    person, found = scheme_for(scheme, "members.add")
    link = invitations.invite_member(found, handle, actor=person, email=body["email"])
    return {"handle": handle, "sent_to": link.email, "expires_at": link.expires_at}


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


me_blp = Blueprint("me", __name__, url_prefix=API_PREFIX, description="The caller")


@me_blp.route("/me", methods=["GET"])
@me_blp.response(200, MeOut)
def me() -> dict[str, Any]:
    """The caller, their memberships (scheme, handle, roles) and their accounts. An OAuth
    token sees memberships with ``profile`` and accounts with ``ledger:read`` (only its
    client's scheme's, for a scheme's client)."""
    person = current_person()
    grant = permissions.token_grant(person)
    schemes, networks = me_ops.belongings(person)
    see_profile = grant is None or "profile" in grant.scopes
    see_accounts = grant is None or "ledger:read" in grant.scopes
    return me_out(
        person,
        schemes if see_profile else [],
        [
            b
            for b in schemes
            if see_accounts and (grant is None or grant.scheme_id in (None, b.scheme.id))
        ],
        networks if see_profile else [],
    )
