"""Who is looking: the one home of the rule of which listings (and events) a person sees.

A listing is seen by its owner and by those who edit its scheme's directory whatever its
status; otherwise only while active, and then: ``scheme`` by members of its scheme,
``federation`` by anyone signed in, ``group`` by the group's members. Everything else is
"not found", by id as in lists and search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, false, or_, select, true

from lets_platform import permissions
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.membership.models import Membership

#: Who may list for others, edit or hide any listing, and moderate.
EDIT_ANY = "directory.edit_any"


@dataclass(frozen=True)
class Viewer:
    person: Person | None
    #: scheme id -> the viewer's membership id there
    memberships: dict[int, int] = field(default_factory=dict)
    #: schemes whose directory the viewer edits (``directory.edit_any``)
    edits: frozenset[int] = frozenset()
    #: groups the viewer belongs to
    groups: frozenset[int] = frozenset()

    @property
    def everything(self) -> bool:
        return self.person is not None and self.person.is_admin

    def may_edit(self, scheme_id: int) -> bool:
        return self.everything or scheme_id in self.edits

    def member_id(self, scheme_id: int) -> int | None:
        return self.memberships.get(scheme_id)


def _groups(membership_ids: list[int]) -> frozenset[int]:
    from lets_tenants.groups.models import GroupMember

    if not membership_ids:
        return frozenset()
    query = select(GroupMember.group_id).where(
        GroupMember.membership_id.in_(membership_ids), GroupMember.state == "member"
    )
    return frozenset(db.session.scalars(query))


def viewer_in(person: Person | None, scheme: Scheme) -> Viewer:
    """The viewer as far as one scheme goes (its pages and its API)."""
    if person is None:
        return Viewer(None)
    member = db.session.scalar(
        select(Membership.id).where(
            Membership.scheme_id == scheme.id,
            Membership.person_id == person.id,
            Membership.status == "active",
        )
    )
    memberships = {scheme.id: member} if member is not None else {}
    edits = frozenset({scheme.id}) if permissions.can(person, EDIT_ANY, scheme.id) else frozenset()
    return Viewer(person, memberships, edits, _groups(list(memberships.values())))


def viewer_everywhere(person: Person) -> Viewer:
    """The viewer in every scheme they belong to (the search across schemes; the request
    must see every scheme's rows)."""
    rows = db.session.execute(
        select(Membership.scheme_id, Membership.id).where(
            Membership.person_id == person.id, Membership.status == "active"
        )
    ).all()
    memberships = {scheme_id: member for scheme_id, member in rows}
    edits = frozenset(s for s in memberships if permissions.can(person, EDIT_ANY, s))
    return Viewer(person, memberships, edits, _groups(list(memberships.values())))


def listing_visible(viewer: Viewer, listing: Any) -> Any:
    """A SQL condition on the listings table (``listing``: the model or an alias)."""
    if viewer.everything:
        return true()
    if viewer.person is None:
        return false()
    shown = and_(
        listing.status == "active",
        or_(
            listing.visibility == "federation",
            and_(listing.visibility == "scheme", listing.scheme_id.in_(list(viewer.memberships))),
            and_(listing.visibility == "group", listing.group_id.in_(list(viewer.groups))),
        ),
    )
    return or_(
        shown,
        listing.membership_id.in_(list(viewer.memberships.values())),
        listing.scheme_id.in_(list(viewer.edits)),
    )
