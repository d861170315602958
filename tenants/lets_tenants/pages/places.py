"""The schemes a person belongs to, for the navigation's scheme switcher."""

from __future__ import annotations

from sqlalchemy import select

from lets_platform.db import db
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.web import Place
from lets_tenants.membership.models import Membership


def places_of(person: Person) -> list[Place]:
    """The person's live memberships with their schemes and roles, by scheme name."""
    with scope.everywhere():
        return _places_of(person)


def _places_of(person: Person) -> list[Place]:
    rows = db.session.execute(
        select(Membership.handle, Scheme)
        .join(Scheme, Scheme.id == Membership.scheme_id)
        .where(Membership.person_id == person.id, Membership.status == "active")
        .where(Scheme.status != "closed")
        .order_by(Scheme.name)
    ).all()
    if not rows:
        return []
    grants = db.session.execute(
        select(RoleGrant.scheme_id, RoleGrant.role).where(
            RoleGrant.person_id == person.id, RoleGrant.revoked_at.is_(None)
        )
    ).all()
    roles: dict[int | None, set[str]] = {}
    for scheme_id, role in grants:
        roles.setdefault(scheme_id, set()).add(role)
    return [
        Place(
            s.id,
            s.slug,
            s.name,
            handle,
            frozenset(roles.get(s.id, ())),
            s.currency_name,
            s.status,
        )
        for handle, s in rows
    ]
