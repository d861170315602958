"""Adding members to a scheme: the person (created if new), membership, account and role."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.identity.operations import find_or_add_person, grant_role, revoke_role
from lets_platform.permissions import SCHEME_ROLES
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import (
    check_handle,
    open_member_account,
    parse_ceiling,
    parse_floor,
)
from lets_tenants.membership.models import Membership

HandleTaken = _error("handle_taken", 409, "The handle is taken in this scheme.")
AlreadyMember = _error("already_member", 409, "The person is a member of this scheme already.")
SchemeNotOpen = _error("scheme_not_open", 409, "The scheme does not take new members now.")
SchemeWindingUp = _error("scheme_winding_up", 409, "The scheme is winding up: no new member joins.")
PoolNotJoinable = _error(
    "pool_not_joinable", 409, "A regional pool takes members only by a wind-up's migration."
)
MemberNotFound = _error("member_not_found", 404, "No such member in this scheme.")
RoleUnknown = _error("role_unknown", 422, "No such role.")


def add_member(
    scheme: Scheme,
    *,
    email: str | None,
    display_name: str,
    handle: str,
    actor: Person | None,
    min_balance: Any = None,
    max_balance: Any = None,
    by_migration: bool = False,
) -> Membership:
    """Make a person (found by email, created if new) a member of ``scheme``.

    A member may have no email (``None``: a paper member; organisers act for them and
    may invite them once they have one). The member's account is opened under the handle
    with the scheme's default limits
    unless ``min_balance`` / ``max_balance`` (decimal strings) are given. A regional pool
    takes members only ``by_migration`` (a wind-up moving balances in).
    """
    check_handle(handle, "handle")
    _check_open(scheme, by_migration)
    floor = scheme.default_min_balance if min_balance is None else parse_floor(scheme, min_balance)
    ceiling = (
        scheme.default_max_balance if max_balance is None else parse_ceiling(scheme, max_balance)
    )
    taken = select(Account.id).where(Account.scheme_id == scheme.id, Account.name == handle)
    if db.session.scalar(taken) is not None:
        raise HandleTaken(f"{handle!r} is taken in {scheme.slug}.")
    person = find_or_add_person(email, display_name)
    existing = db.session.scalar(
        select(Membership).where(
            Membership.scheme_id == scheme.id, Membership.person_id == person.id
        )
    )
    if existing is not None:
        raise AlreadyMember(f"{email} is already {scheme.slug}/{existing.handle}.")
    membership = Membership(
        scheme_id=scheme.id, person_id=person.id, handle=handle, display_name=display_name.strip()
    )
    db.session.add(membership)
    db.session.flush()
    open_member_account(scheme, membership, floor, ceiling)
    grant_role(person, "member", scheme_id=scheme.id, granted_by=actor)
    return membership


def _check_open(scheme: Scheme, by_migration: bool) -> None:
    if scheme.status == "winding_up":
        raise SchemeWindingUp(f"{scheme.slug} is winding up and takes no new members.")
    if scheme.status != "active":
        raise SchemeNotOpen(f"{scheme.slug} is {scheme.status} and takes no new members.")
    if scheme.kind == "pool" and not by_migration:
        raise PoolNotJoinable(f"{scheme.slug} is a regional pool; accounts arrive by migration.")


def list_members(scheme: Scheme) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership).where(Membership.scheme_id == scheme.id).order_by(Membership.handle)
        )
    )


def membership_of(person: Person, scheme: Scheme) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.scheme_id == scheme.id, Membership.person_id == person.id
        )
    )


def get_member(scheme: Scheme, handle: str) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(Membership.scheme_id == scheme.id, Membership.handle == handle)
    )
    if membership is None:
        raise MemberNotFound(f"There is no member {handle!r} in {scheme.slug}.")
    return membership


def rename_member(membership: Membership, display_name: str, *, actor: Person | None) -> None:
    """The member's name in the scheme (and their account's title) becomes ``display_name``."""
    name = (display_name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed(
            "A name of 1 to 120 characters is required.", errors={"display_name": ["length"]}
        )
    membership.display_name = name
    account = db.session.scalar(select(Account).where(Account.membership_id == membership.id))
    if account is not None:
        account.title = name
    record(
        "member.renamed",
        f"member:{membership.handle}",
        actor_id=actor.id if actor else None,
        scheme_id=membership.scheme_id,
    )
    db.session.flush()


def grant_scheme_role(scheme: Scheme, handle: str, role: str, *, actor: Person | None) -> RoleGrant:
    """Give the member ``handle`` a role of the constitution (chair, treasurer, ...)."""
    if role not in SCHEME_ROLES:
        raise RoleUnknown(f"{role!r} is not a role; the roles are {', '.join(SCHEME_ROLES)}.")
    membership = get_member(scheme, handle)
    return grant_role(membership.person, role, scheme_id=scheme.id, granted_by=actor)


def revoke_scheme_role(scheme: Scheme, handle: str, role: str, *, actor: Person | None) -> None:
    if role not in SCHEME_ROLES:
        raise RoleUnknown(f"{role!r} is not a role.")
    revoke_role(get_member(scheme, handle).person, role, scheme_id=scheme.id, revoked_by=actor)


def role_holders(scheme: Scheme) -> list[tuple[Membership, RoleGrant]]:
    """Every live role in the scheme with its holder, by handle then role."""
    rows = db.session.execute(
        select(Membership, RoleGrant)
        .join(RoleGrant, RoleGrant.person_id == Membership.person_id)
        .where(
            Membership.scheme_id == scheme.id,
            RoleGrant.scheme_id == scheme.id,
            RoleGrant.revoked_at.is_(None),
        )
        .order_by(Membership.handle, RoleGrant.role)
    )
    return [(m, g) for m, g in rows]


def page_of_members(
    scheme: Scheme, *, search: str | None = None, after: str | None = None, limit: int = 100
) -> tuple[list[Membership], str | None]:
    """Members by handle, a page at a time (``after``: the last handle seen), those whose
    handle or name contains ``search`` (ignoring case); and the next page's ``after``."""
    query = select(Membership).where(Membership.scheme_id == scheme.id)
    if search and search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(Membership.handle).like(pattern)
            | func.lower(Membership.display_name).like(pattern)
        )
    if after:
        query = query.where(Membership.handle > after)
    rows = list(db.session.scalars(query.order_by(Membership.handle).limit(limit + 1)))
    return rows[:limit], rows[limit - 1].handle if len(rows) > limit else None
