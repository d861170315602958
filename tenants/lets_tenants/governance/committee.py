"""Who serves on the committee (or the mediation group) now: the people holding its roles
in the scheme."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from lets_platform.db import db
from lets_platform.identity.models import RoleGrant
from lets_platform.permissions import COMMITTEE
from lets_platform.tenancy.models import Scheme
from lets_tenants.membership.models import Membership


def committee_members(scheme: Scheme) -> list[Membership]:
    """Memberships of the people with a live committee role (chair, secretary, ...)."""
    return holders(scheme, COMMITTEE)


def holders(scheme: Scheme, roles: Iterable[str]) -> list[Membership]:
    """Memberships of the people holding any of ``roles`` in the scheme now."""
    people = (
        select(RoleGrant.person_id)
        .where(
            RoleGrant.scheme_id == scheme.id,
            RoleGrant.revoked_at.is_(None),
            RoleGrant.role.in_(sorted(roles)),
        )
        .distinct()
    )
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.scheme_id == scheme.id, Membership.person_id.in_(people))
            .order_by(Membership.handle)
        )
    )
