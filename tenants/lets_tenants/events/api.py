"""REST handlers for events, RSVPs and the iCalendar feed."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from lets_platform import fields
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.db import db
from lets_platform.errors import NotFound
from lets_platform.identity.models import Person
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.context import scheme_for
from lets_tenants.directory.viewer import viewer_in
from lets_tenants.events import operations as ops
from lets_tenants.events.schemas import EventArgs, EventIn, EventOut, RsvpIn, event_out

blp = Blueprint(
    "scheme_events",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="A scheme's events, RSVPs and calendar feed",
)
READ = "directory.read"


@blp.route("/events", methods=["POST"])
@blp.arguments(EventIn)
@blp.response(201, EventOut)
def create_event(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "directory.list_own")
    viewer = viewer_in(person, found)
    event = ops.create_event(found, viewer, **body)
    return event_out(ops.view(event, viewer))


@blp.route("/events", methods=["GET"])
@blp.arguments(EventArgs, location="query")
@blp.response(200, EventOut(many=True))
def list_events(args: dict[str, Any], scheme: str) -> list[dict[str, Any]]:
    person, found = scheme_for(scheme, READ)
    viewer = viewer_in(person, found)
    return [event_out(ops.view(e, viewer)) for e in ops.list_events(found, viewer, **args)]


@blp.route("/events/<event_id>", methods=["GET"])
@blp.response(200, EventOut)
def get_event(scheme: str, event_id: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, READ)
    viewer = viewer_in(person, found)
    return event_out(ops.view(ops.get_event(found, event_id, viewer), viewer))


@blp.route("/events/<event_id>/rsvp", methods=["POST"])
@blp.arguments(RsvpIn)
@blp.response(200, EventOut)
def rsvp(body: dict[str, Any], scheme: str, event_id: str) -> dict[str, Any]:
    """``going: true`` takes a place, or a place on the waiting list when the event is
    full; ``going: false`` gives it up (the first who waits gets it)."""
    person, found = scheme_for(scheme, READ)
    return event_out(ops.rsvp(found, event_id, viewer_in(person, found), body["going"]))


@blp.route("/events.ics", methods=["GET"])
@blp.media(200, "text/calendar", description="The coming events as iCalendar")
def feed(scheme: str) -> Response:
    """The scheme's coming events as iCalendar, for calendar apps: with a bearer token, or
    with the subscription link's ``member`` and ``key`` (shown on the events page)."""
    member, key = request.args.get("member"), request.args.get("key")
    if member and key:
        found = get_scheme(scheme)
        number = fields.row_id(member)
        person = db.session.get(Person, number) if number is not None else None
        if person is None or not ops.key_matches(person, found, key):
            raise NotFound("No such calendar.")
    else:
        person, found = scheme_for(scheme, READ)
    viewer = viewer_in(person, found)
    if viewer.member_id(found.id) is None and not viewer.may_edit(found.id):
        raise NotFound("No such calendar.")
    body = ops.calendar(found, ops.list_events(found, viewer))
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private"})
