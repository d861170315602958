"""What the provider says about a person: ID-token and userinfo claims by scope.

``lets:memberships`` lists each scheme the person holds roles in, with their handle
there (when the membership area is loaded) and their live roles.
"""

from __future__ import annotations

from typing import Any

from authlib.oidc.core import UserInfo
from sqlalchemy import select

from lets_platform.db import db
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.tenancy.models import Scheme

CLAIMS_SUPPORTED = [
    "sub",
    "name",
    "email",
    "email_verified",
    "lets:memberships",
    "lets:national_administrator",
]


def user_info(person: Person, scope: str) -> UserInfo:
    scopes = set((scope or "").split())
    info: dict[str, Any] = {"sub": str(person.id)}
    if "profile" in scopes:
        info["name"] = person.display_name
        info["lets:memberships"] = memberships(person)
        info["lets:national_administrator"] = bool(person.is_admin)
    if "email" in scopes:
        info["email"] = person.email
        info["email_verified"] = False
    return UserInfo(info)


def memberships(person: Person) -> list[dict[str, Any]]:
    """``[{scheme, handle, roles}]`` by scheme slug, from the person's live role grants."""
    rows = db.session.execute(
        select(Scheme.id, Scheme.slug, RoleGrant.role)
        .join(RoleGrant, RoleGrant.scheme_id == Scheme.id)
        .where(RoleGrant.person_id == person.id, RoleGrant.revoked_at.is_(None))
        .order_by(Scheme.slug, RoleGrant.role)
    ).all()
    handles = _handles(person)
    found: dict[str, dict[str, Any]] = {}
    for scheme_id, slug, role in rows:
        entry = found.setdefault(
            slug, {"scheme": slug, "handle": handles.get(scheme_id), "roles": []}
        )
        entry["roles"].append(role)
    return list(found.values())


def _handles(person: Person) -> dict[int, str]:
    """Handles by scheme id from the membership table, found by name in the metadata so
    that the kernel does not import the area that defines it (absent: no handles)."""
    table = db.metadata.tables.get("memberships")
    if table is None:
        return {}
    query = select(table.c.scheme_id, table.c.handle).where(table.c.person_id == person.id)
    return {scheme_id: handle for scheme_id, handle in db.session.execute(query)}
