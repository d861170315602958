"""Groups: create one, join an open one, invite to one, accept an invitation; and the rule
that group-only listings and events are for the group's members."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.text import check_text
from lets_tenants.groups.models import (
    GROUP_VISIBILITIES,
    MAX_DESCRIPTION,
    MAX_NAME,
    Group,
    GroupMember,
)
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import get_member

GroupNotFound = _error("group_not_found", 404, "No such group that you can see.")
GroupExists = _error("group_exists", 409, "The scheme has a group with this name.")
NotInGroup = _error("not_in_group", 403, "Only the group's members may do this.")
InviteOnly = _error("invite_only", 403, "This group takes members by invitation only.")
GroupVisibilityInvalid = _error("group_visibility_invalid", 422, "A group is open or invite.")


def find_group(scheme: Scheme, group_id: Any) -> Group:
    """The scheme's group by id, whoever asks (another scheme's id is not found)."""
    try:
        gid = int(group_id)
    except (TypeError, ValueError):
        raise GroupNotFound(f"There is no group {group_id!r}.") from None
    found = db.session.scalar(select(Group).where(Group.id == gid, Group.scheme_id == scheme.id))
    if found is None:
        raise GroupNotFound(f"There is no group {gid} in {scheme.slug}.")
    return found


def state_of(group: Group, member: Membership | None) -> str | None:
    if member is None:
        return None
    return db.session.scalar(
        select(GroupMember.state).where(
            GroupMember.group_id == group.id, GroupMember.membership_id == member.id
        )
    )


def get_group(scheme: Scheme, group_id: Any, member: Membership | None) -> Group:
    """Open groups are seen by the scheme; invite-only ones by their members and invitees."""
    group = find_group(scheme, group_id)
    if group.visibility == "invite" and state_of(group, member) is None:
        raise GroupNotFound(f"There is no group {group.id} in {scheme.slug} that you can see.")
    return group


def require_group_member(scheme: Scheme, group_id: Any, member: Membership) -> Group:
    group = get_group(scheme, group_id, member)
    if state_of(group, member) != "member":
        raise NotInGroup(
            f"Only members of {group.name!r} may share with it.",
            errors={"group": ["Join the group first."]},
        )
    return group


def create_group(
    scheme: Scheme, member: Membership, *, name: str, description: str, visibility: str
) -> Group:
    name = check_text("name", name, MAX_NAME, required=True)
    description = check_text("description", description, MAX_DESCRIPTION)
    if visibility not in GROUP_VISIBILITIES:
        raise GroupVisibilityInvalid(errors={"visibility": ["Choose open or invite."]})
    taken = select(Group.id).where(Group.scheme_id == scheme.id, Group.name == name)
    if db.session.scalar(taken) is not None:
        raise GroupExists(
            f"{scheme.slug} has a group {name!r} already.", errors={"name": ["Taken."]}
        )
    group = Group(
        scheme_id=scheme.id,
        name=name,
        description=description,
        visibility=visibility,
        created_by_id=member.id,
    )
    db.session.add(group)
    db.session.flush()
    db.session.add(
        GroupMember(scheme_id=scheme.id, group_id=group.id, membership_id=member.id, state="member")
    )
    db.session.flush()
    return group


def add_to_group(
    scheme: Scheme, group: Group, actor: Membership, handle: str, *, by: Person
) -> GroupMember:
    """Join (``handle`` is the actor's own): an open group at once, an invite-only one if
    invited. Invite (another handle): members of the group invite others."""
    target = get_member(scheme, handle)
    existing = db.session.scalar(
        select(GroupMember).where(
            GroupMember.group_id == group.id, GroupMember.membership_id == target.id
        )
    )
    if target.id == actor.id:
        if existing is not None:
            existing.state = "member"
        elif group.visibility == "invite":
            raise InviteOnly(f"{group.name!r} takes members by invitation.")
        else:
            existing = GroupMember(
                scheme_id=scheme.id, group_id=group.id, membership_id=target.id, state="member"
            )
            db.session.add(existing)
        db.session.flush()
        return existing
    if state_of(group, actor) != "member":
        raise NotInGroup(f"Only members of {group.name!r} may invite.")
    if existing is None:
        existing = GroupMember(
            scheme_id=scheme.id, group_id=group.id, membership_id=target.id, state="invited"
        )
        db.session.add(existing)
        db.session.flush()
        record(
            "group.invited",
            f"group:{group.id}",
            actor_id=by.id,
            scheme_id=scheme.id,
            member=target.handle,
        )
    return existing


def leave_group(scheme: Scheme, group: Group, member: Membership) -> None:
    found = db.session.scalar(
        select(GroupMember).where(
            GroupMember.group_id == group.id, GroupMember.membership_id == member.id
        )
    )
    if found is not None:
        db.session.delete(found)
        db.session.flush()


def list_groups(scheme: Scheme, member: Membership | None) -> list[tuple[Group, str | None]]:
    """Open groups and the invite-only ones the member is in or invited to, with the
    member's state in each."""
    mine: dict[int, str] = {}
    if member is not None:
        mine = dict(
            db.session.execute(
                select(GroupMember.group_id, GroupMember.state).where(
                    GroupMember.membership_id == member.id
                )
            ).all()
        )
    groups = db.session.scalars(
        select(Group).where(Group.scheme_id == scheme.id).order_by(Group.name)
    )
    return [(g, mine.get(g.id)) for g in groups if g.visibility == "open" or g.id in mine]


def group_members(group: Group) -> list[tuple[Membership, str]]:
    rows = db.session.execute(
        select(Membership, GroupMember.state)
        .join(GroupMember, GroupMember.membership_id == Membership.id)
        .where(GroupMember.group_id == group.id)
        .order_by(Membership.handle)
    ).all()
    return [(m, s) for m, s in rows]
