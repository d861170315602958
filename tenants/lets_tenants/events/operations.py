"""Posting events, RSVPs with a waiting list (first come, first served; a place given up
goes to the first who waits), and the scheme's iCalendar feed."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlalchemy import func, or_, select

from lets_platform import clock
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.text import DateInThePast, check_text
from lets_tenants.directory.viewer import Viewer
from lets_tenants.events.models import MAX_DESCRIPTION, MAX_LOCATION, MAX_TITLE, Event, Rsvp
from lets_tenants.groups.operations import find_group, require_group_member

EventNotFound = _error("event_not_found", 404, "No such event that you can see.")
EndsBeforeStart = _error("ends_before_start", 422, "An event cannot end before it starts.")
CapacityInvalid = _error("capacity_invalid", 422, "The capacity is a whole number above zero.")
EventOver = _error("event_over", 409, "The event is over; RSVPs are closed.")
NotAMember = _error("not_a_member", 403, "Only members of the scheme post events and RSVP.")


@dataclass
class EventView:
    event: Event
    going: int
    waiting: int
    mine: str | None


def _member(viewer: Viewer, scheme: Scheme) -> int:
    member = viewer.member_id(scheme.id)
    if member is None:
        raise NotAMember()
    return member


def create_event(
    scheme: Scheme,
    viewer: Viewer,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None,
    location: str,
    description: str = "",
    capacity: int | None = None,
    group: int | None = None,
) -> Event:
    """A new event; none may start in the past."""
    if group is not None:
        find_group(scheme, group)  # another scheme's group is not found, whoever asks
    member = _member(viewer, scheme)
    title = check_text("title", title, MAX_TITLE, required=True)
    location = check_text("location", location, MAX_LOCATION, required=True)
    description = check_text("description", description, MAX_DESCRIPTION)
    if starts_at < clock.now():
        message = f"{starts_at:%d %B %Y %H:%M} is in the past."
        raise DateInThePast(message, errors={"starts_at": [message]})
    if ends_at is not None and ends_at < starts_at:
        raise EndsBeforeStart(errors={"ends_at": ["After the start, please."]})
    if capacity is not None and capacity < 1:
        raise CapacityInvalid(errors={"capacity": ["A whole number above zero, or none."]})
    group_id = None
    if group is not None:
        from lets_tenants.membership.models import Membership

        group_id = require_group_member(scheme, group, db.session.get_one(Membership, member)).id
    event = Event(
        scheme_id=scheme.id,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        description=description,
        capacity=capacity,
        group_id=group_id,
        created_by_id=member,
        status="active",
    )
    db.session.add(event)
    db.session.flush()
    return event


def _visible(viewer: Viewer, scheme: Scheme) -> Any:
    if viewer.may_edit(scheme.id):
        return Event.scheme_id == scheme.id
    return (
        (Event.scheme_id == scheme.id)
        & ((Event.status == "active") | (Event.created_by_id == viewer.member_id(scheme.id)))
        & or_(Event.group_id.is_(None), Event.group_id.in_(list(viewer.groups)))
    )


def get_event(scheme: Scheme, event_id: Any, viewer: Viewer, *, lock: bool = False) -> Event:
    try:
        eid = int(event_id)
    except (TypeError, ValueError):
        raise EventNotFound(f"There is no event {event_id!r}.") from None
    query = select(Event).where(Event.id == eid, _visible(viewer, scheme))
    found = db.session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise EventNotFound(f"There is no event {eid} in {scheme.slug} that you can see.")
    return found


def view(event: Event, viewer: Viewer) -> EventView:
    counts = dict(
        db.session.execute(
            select(Rsvp.state, func.count()).where(Rsvp.event_id == event.id).group_by(Rsvp.state)
        ).all()
    )
    mine = db.session.scalar(
        select(Rsvp.state).where(
            Rsvp.event_id == event.id, Rsvp.membership_id == viewer.member_id(event.scheme_id)
        )
    )
    return EventView(event, counts.get("going", 0), counts.get("waiting", 0), mine)


def list_events(scheme: Scheme, viewer: Viewer, *, past: bool = False) -> list[Event]:
    """Coming events (those that have not ended), soonest first; or past ones."""
    now = clock.now()
    ended = func.coalesce(Event.ends_at, Event.starts_at)
    query = select(Event).where(_visible(viewer, scheme))
    query = query.where(ended < now) if past else query.where(ended >= now - timedelta(hours=2))
    order = Event.starts_at.desc() if past else Event.starts_at
    return list(db.session.scalars(query.order_by(order).limit(200)))


def rsvp(scheme: Scheme, event_id: Any, viewer: Viewer, going: bool) -> EventView:
    """Going: a place if one is free, else the waiting list. Not going: the place (or the
    wait) is given up, and the first who waits gets the place. The event's row is locked
    so two RSVPs for the last place cannot both get it."""
    event = get_event(scheme, event_id, viewer, lock=True)
    member = _member(viewer, scheme)
    if (event.ends_at or event.starts_at) < clock.now():
        raise EventOver()
    mine = db.session.scalar(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.membership_id == member)
    )
    if going and mine is None:
        taken = db.session.scalar(
            select(func.count()).where(Rsvp.event_id == event.id, Rsvp.state == "going")
        )
        full = event.capacity is not None and (taken or 0) >= event.capacity
        db.session.add(
            Rsvp(
                scheme_id=scheme.id,
                event_id=event.id,
                membership_id=member,
                state="waiting" if full else "going",
                created_at=clock.now(),
            )
        )
    elif not going and mine is not None:
        freed = mine.state == "going"
        db.session.delete(mine)
        db.session.flush()
        if freed:
            _promote(event)
    db.session.flush()
    return view(event, viewer)


def _promote(event: Event) -> None:
    first = db.session.scalar(
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.state == "waiting")
        .order_by(Rsvp.created_at, Rsvp.id)
        .limit(1)
    )
    if first is not None:
        first.state = "going"


def attendees(event: Event) -> list[tuple[str, str]]:
    from lets_tenants.membership.models import Membership

    rows = db.session.execute(
        select(Membership.display_name, Rsvp.state)
        .join(Rsvp, Rsvp.membership_id == Membership.id)
        .where(Rsvp.event_id == event.id)
        .order_by(Rsvp.state, Rsvp.created_at, Rsvp.id)
    ).all()
    return [(name, state) for name, state in rows]


def feed_key(person: Person, scheme: Scheme) -> str:
    """The secret in a member's calendar subscription link (calendar apps send no token)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"events-feed:{person.id}:{scheme.id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def key_matches(person: Person, scheme: Scheme, key: str) -> bool:
    return hmac.compare_digest(feed_key(person, scheme), key or "")


def calendar(scheme: Scheme, events: list[Event]) -> bytes:
    """The events as an iCalendar document (RFC 5545)."""
    cal = Calendar()
    cal.add("prodid", "-//lets hub//events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{scheme.name} events")
    host = (current_app.config.get("LETS_PUBLIC_URL") or "lets.invalid").split("//")[-1]
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.id}@{host}")
        entry.add("dtstamp", event.created_at)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at or event.starts_at + timedelta(hours=2))
        entry.add("summary", event.title)
        entry.add("location", event.location)
        if event.description:
            entry.add("description", event.description)
        cal.add_component(entry)
    return cal.to_ical()
