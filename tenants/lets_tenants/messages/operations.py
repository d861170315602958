"""Sending messages between members (across schemes too), reading conversations, and
blocks. The request sees every scheme's rows (like the federation's); who may read which
message is decided here: its sender's and its recipient's persons, nobody else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select

from lets_platform import clock, jobs
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.models import Listing
from lets_tenants.directory.text import check_text
from lets_tenants.directory.viewer import listing_visible, viewer_everywhere
from lets_tenants.membership.models import Membership
from lets_tenants.messages.models import MAX_BODY, MAX_SUBJECT, Block, Message

MemberAddressInvalid = _error(
    "member_address_invalid", 422, "A member is addressed as scheme/handle."
)
RecipientNotFound = _error("recipient_not_found", 404, "There is no such member.")
NoMembership = _error(
    "no_membership", 403, "Only members of a scheme send messages (name your `from`)."
)
MessageToSelf = _error("message_to_self", 422, "You cannot send a message to yourself.")
Blocked = _error("blocked", 403, "This member does not accept messages from you.")
TooManyMessages = _error(
    "too_many_messages", 429, "You have sent too many messages in the last hour."
)
ListingNotFound = _error("listing_not_found", 404, "No such listing that you can see.")

#: Messages one person may send in an hour (``LETS_MESSAGES_PER_HOUR``).
MESSAGES_PER_HOUR = 30


def member_at(address: str, *, field: str = "to") -> Membership:
    """The active member ``scheme/handle``."""
    slug, _, handle = (address or "").partition("/")
    if not slug or not handle or "/" in handle:
        raise MemberAddressInvalid(
            f"{address!r} is not scheme/handle.", errors={field: ["Write it as scheme/handle."]}
        )
    found = db.session.scalar(
        select(Membership)
        .join(Scheme, Scheme.id == Membership.scheme_id)
        .where(Scheme.slug == slug, Membership.handle == handle, Membership.status == "active")
    )
    if found is None:
        raise RecipientNotFound(f"There is no member {address}.", errors={field: ["Not found."]})
    return found


def address_of(member: Membership) -> str:
    slug = db.session.scalar(select(Scheme.slug).where(Scheme.id == member.scheme_id))
    return f"{slug}/{member.handle}"


def memberships_of(person: Person) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.person_id == person.id, Membership.status == "active")
            .order_by(Membership.id)
        )
    )


def _sender(person: Person, recipient: Membership, sender: str | None) -> Membership:
    """The caller's membership that sends: the one named, else the one in the recipient's
    scheme, else their first."""
    own = memberships_of(person)
    if sender is not None:
        named = member_at(sender, field="from")
        if named.person_id != person.id:
            raise NoMembership(f"{sender} is not you.", errors={"from": ["Not one of yours."]})
        return named
    if not own:
        raise NoMembership()
    same = [m for m in own if m.scheme_id == recipient.scheme_id]
    return (same or own)[0]


def is_blocked(sender: Membership, recipient: Membership) -> bool:
    """Has the recipient's person blocked this sender (from any of their memberships)?"""
    blocker_ids = select(Membership.id).where(Membership.person_id == recipient.person_id)
    return (
        db.session.scalar(
            select(Block.id).where(Block.blocked_id == sender.id, Block.blocker_id.in_(blocker_ids))
        )
        is not None
    )


def _check_rate(person: Person) -> None:
    limit = int(current_app.config.get("LETS_MESSAGES_PER_HOUR") or MESSAGES_PER_HOUR)
    since = clock.now() - timedelta(hours=1)
    sent = db.session.scalar(
        select(func.count())
        .select_from(Message)
        .join(Membership, Membership.id == Message.sender_id)
        .where(Membership.person_id == person.id, Message.created_at >= since)
    )
    if (sent or 0) >= limit:
        raise TooManyMessages(f"At most {limit} messages an hour; try again later.")


def _listing(person: Person, listing_id: Any) -> int | None:
    if listing_id is None:
        return None
    visible = db.session.scalar(
        select(Listing.id).where(
            Listing.id == int(listing_id), listing_visible(viewer_everywhere(person), Listing)
        )
    )
    if visible is None:
        raise ListingNotFound(f"There is no listing {listing_id} you can see.")
    return int(visible)


def send_message(
    person: Person,
    *,
    to: str,
    body: str,
    subject: str = "",
    listing: Any = None,
    sender: str | None = None,
) -> Message:
    """Store a message from the caller to ``to`` and have the recipient told by email once
    it commits. Checks, in order: the address, the sender, the text, the block, the rate."""
    recipient = member_at(to)
    from_ = _sender(person, recipient, sender)
    if recipient.person_id == person.id:
        raise MessageToSelf(errors={"to": ["That is you."]})
    body = check_text("body", body, MAX_BODY, required=True)
    subject = check_text("subject", subject, MAX_SUBJECT)
    listing_id = _listing(person, listing)
    if is_blocked(from_, recipient):
        raise Blocked(f"{to} does not accept messages from you.")
    _check_rate(person)
    message = Message(
        scheme_id=from_.scheme_id,
        recipient_scheme_id=recipient.scheme_id,
        sender=from_,
        sender_id=from_.id,
        recipient=recipient,
        recipient_id=recipient.id,
        subject=subject,
        body=body,
        listing_id=listing_id,
        hidden=False,
        created_at=clock.now(),
    )
    db.session.add(message)
    db.session.flush()
    from lets_tenants.messages.tasks import notify_recipient

    jobs.send_after_commit(notify_recipient, message.id)
    return message


def conversation(
    person: Person, *, with_: str | None = None, limit: int = 50, cursor: int | None = None
) -> tuple[list[Message], int | None]:
    """The caller's messages (with one member if ``with_``), newest first; hidden ones
    are left out."""
    own = [m.id for m in memberships_of(person)]
    query = select(Message).where(
        or_(Message.sender_id.in_(own), Message.recipient_id.in_(own)), Message.hidden.is_(False)
    )
    if with_:
        other = member_at(with_, field="with")
        query = query.where(or_(Message.sender_id == other.id, Message.recipient_id == other.id))
    if cursor:
        query = query.where(Message.id < cursor)
    rows = list(db.session.scalars(query.order_by(Message.id.desc()).limit(limit + 1)))
    return rows[:limit], rows[limit - 1].id if len(rows) > limit else None


def mark_read(person: Person, messages: list[Message]) -> None:
    now = clock.now()
    for message in messages:
        if message.read_at is None and message.recipient.person_id == person.id:
            message.read_at = now
    db.session.flush()


def block(person: Person, member: str) -> Block:
    """The caller receives no more messages from ``member`` (idempotent)."""
    blocked = member_at(member, field="member")
    own = memberships_of(person)
    if not own:
        raise NoMembership()
    if blocked.person_id == person.id:
        raise MessageToSelf("You cannot block yourself.", errors={"member": ["That is you."]})
    existing = db.session.scalar(
        select(Block).where(
            Block.blocked_id == blocked.id, Block.blocker_id.in_([m.id for m in own])
        )
    )
    if existing is not None:
        return existing
    made = Block(scheme_id=own[0].scheme_id, blocker_id=own[0].id, blocked_id=blocked.id)
    db.session.add(made)
    db.session.flush()
    return made


def unblock(person: Person, member: str) -> None:
    blocked = member_at(member, field="member")
    own = [m.id for m in memberships_of(person)]
    for found in db.session.scalars(
        select(Block).where(Block.blocked_id == blocked.id, Block.blocker_id.in_(own))
    ):
        db.session.delete(found)
    db.session.flush()


def blocks_of(person: Person) -> list[Block]:
    own = [m.id for m in memberships_of(person)]
    return list(db.session.scalars(select(Block).where(Block.blocker_id.in_(own))))


def blocked_member(found: Block) -> Membership:
    return db.session.get_one(Membership, found.blocked_id)
