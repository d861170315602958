"""Who may do what: one matrix of actions to roles, checked in one place.

Roles are granted per scheme (``organiser``, ``member``) or platform-wide (``is_admin``:
the national administrator, who may do in every scheme whatever its organisers may).
Acts on one's own account (paying from it, reading its statement) are checked by the
ledger against the account's owner, on top of the ``member`` role here.
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

from lets_platform.db import db
from lets_platform.errors import NotPermitted
from lets_platform.identity.models import Person, RoleGrant

#: action -> scheme roles that may do it. The national administrator may do everything.
MATRIX: dict[str, frozenset[str]] = {
    "scheme.provision": frozenset(),
    "scheme.read": frozenset({"member", "organiser"}),
    "members.add": frozenset({"organiser"}),
    "members.list": frozenset({"member", "organiser"}),
    "accounts.open_central": frozenset({"organiser"}),
    "accounts.manage": frozenset({"organiser"}),
    "accounts.read_any": frozenset({"organiser"}),
    "transfers.pay_own": frozenset({"member", "organiser"}),
    "transfers.enter_on_behalf": frozenset({"organiser"}),
    "transfers.correct": frozenset({"organiser"}),
    "transfers.read_all": frozenset({"organiser"}),
    "invoices.send_own": frozenset({"member", "organiser"}),
    "invoices.act_on_behalf": frozenset({"organiser"}),
}

SCHEME_ROLES = ("member", "organiser")


def roles_in(person: Person, scheme_id: int) -> frozenset[str]:
    """The live roles ``person`` holds in a scheme (cached for the request)."""
    cache: dict[tuple[int, int], frozenset[str]] | None = None
    if has_request_context():
        cache = g.setdefault("_lets_roles", {})
        if (person.id, scheme_id) in cache:
            return cache[(person.id, scheme_id)]
    roles = frozenset(
        db.session.scalars(
            select(RoleGrant.role).where(
                RoleGrant.person_id == person.id,
                RoleGrant.scheme_id == scheme_id,
                RoleGrant.revoked_at.is_(None),
            )
        )
    )
    if cache is not None:
        cache[(person.id, scheme_id)] = roles
    return roles


def can(person: Person | None, action: str, scheme_id: int | None = None) -> bool:
    if person is None:
        return False
    if person.is_admin:
        return True
    allowed = MATRIX[action]
    if scheme_id is None:
        return False
    return bool(allowed & roles_in(person, scheme_id))


def require(person: Person | None, action: str, scheme_id: int | None = None) -> None:
    """Raise ``not_permitted`` unless ``person`` may do ``action`` (in the scheme)."""
    if not can(person, action, scheme_id):
        raise NotPermitted(f"You may not do this ({action}).")


def forget_cached_roles() -> None:
    if has_request_context():
        g.pop("_lets_roles", None)
