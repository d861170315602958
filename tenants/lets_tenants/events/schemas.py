"""Marshmallow schemas of events."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_tenants.events.models import RSVP_STATES
from lets_tenants.events.operations import EventView


class EventIn(Schema):
    title = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(load_default=None)
    location = fields.String(required=True)
    description = fields.String(load_default="")
    capacity = fields.Integer(load_default=None, allow_none=True)
    group = fields.Integer(load_default=None, allow_none=True)


class RsvpIn(Schema):
    going = fields.Boolean(required=True)


class EventArgs(Schema):
    past = fields.Boolean(load_default=False)


class EventOut(Schema):
    id = fields.Integer()
    title = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(allow_none=True)
    location = fields.String()
    description = fields.String()
    capacity = fields.Integer(allow_none=True)
    group = fields.Integer(allow_none=True)
    going = fields.Integer()
    waiting = fields.Integer()
    rsvp = fields.String(allow_none=True, validate=validate.OneOf(RSVP_STATES))


def event_out(seen: EventView) -> dict[str, Any]:
    event = seen.event
    return {
        "id": event.id,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "location": event.location,
        "description": event.description,
        "capacity": event.capacity,
        "group": event.group_id,
        "going": seen.going,
        "waiting": seen.waiting,
        "rsvp": seen.mine,
    }
