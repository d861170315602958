"""Who the caller is, across the hub: their memberships with roles, and their accounts.

One lookup of the person's own rows in every scheme (``scope.everywhere``), so that an
API client, or the pages' scheme switcher, need not know slugs in advance.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lets_platform.db import db
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Network, Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.membership.models import Membership


@dataclass
class Belonging:
    scheme: Scheme
    membership: Membership | None
    account: Account | None
    roles: list[str]


def belongings(person: Person) -> tuple[list[Belonging], list[str]]:
    """Each scheme where the person is a member or holds a role (by slug), and the
    networks they are regional organiser of."""
    with scope.everywhere():
        rows = db.session.execute(
            select(Membership, Account)
            .outerjoin(Account, Account.membership_id == Membership.id)
            .where(Membership.person_id == person.id)
        ).all()
        grants = db.session.execute(
            select(RoleGrant.scheme_id, RoleGrant.network_id, RoleGrant.role).where(
                RoleGrant.person_id == person.id, RoleGrant.revoked_at.is_(None)
            )
        ).all()
        networks = [
            slug
            for (slug,) in db.session.execute(
                select(Network.slug).where(
                    Network.id.in_([n for _, n, _ in grants if n is not None])
                )
            )
        ]
    roles: dict[int, list[str]] = {}
    for scheme_id, _, role in grants:
        if scheme_id is not None:
            roles.setdefault(scheme_id, []).append(role)
    members = {m.scheme_id: (m, a) for m, a in rows}
    ids = set(members) | set(roles)
    schemes = db.session.scalars(select(Scheme).where(Scheme.id.in_(ids)).order_by(Scheme.slug))
    found = []
    for s in schemes:
        membership, account = members.get(s.id, (None, None))
        found.append(Belonging(s, membership, account, sorted(roles.get(s.id, []))))
    return found, sorted(networks)
