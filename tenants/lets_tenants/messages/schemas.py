"""Marshmallow schemas of messages and blocks."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_tenants.messages.models import Message
from lets_tenants.messages.operations import address_of


class MessageIn(Schema):
    to = fields.String(required=True, metadata={"description": "scheme/handle"})
    body = fields.String(required=True)
    subject = fields.String(load_default="")
    listing = fields.Integer(load_default=None, allow_none=True)
    #: Which of the caller's memberships sends (scheme/handle); by default the one in the
    #: recipient's scheme, else the first.
    sender = fields.String(load_default=None, data_key="from")


class MessageArgs(Schema):
    with_ = fields.String(load_default=None, data_key="with")
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 100))
    cursor = fields.Integer(load_default=None)


class MessageOut(Schema):
    id = fields.Integer()
    sender = fields.String(data_key="from")
    to = fields.String()
    sender_name = fields.String()
    subject = fields.String()
    body = fields.String()
    listing = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class MessagePage(Schema):
    items = fields.List(fields.Nested(MessageOut))
    next_cursor = fields.String(allow_none=True)


class BlockIn(Schema):
    member = fields.String(required=True, metadata={"description": "scheme/handle"})


class BlockOut(Schema):
    member = fields.String()
    created_at = fields.DateTime()


def message_out(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "sender": address_of(message.sender),
        "to": address_of(message.recipient),
        "sender_name": message.sender.display_name,
        "subject": message.subject,
        "body": message.body,
        "listing": message.listing_id,
        "created_at": message.created_at,
        "read_at": message.read_at,
    }
