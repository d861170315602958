"""REST handlers for messages and blocks (across schemes: the request sees every
scheme's rows, and the operations decide whose messages the caller reads)."""

from __future__ import annotations

from typing import Any

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.ratelimit import MESSAGES, limited
from lets_platform.tenancy import scope
from lets_tenants.messages import operations as ops
from lets_tenants.messages.models import Block
from lets_tenants.messages.schemas import (
    BlockIn,
    BlockOut,
    MessageArgs,
    MessageIn,
    MessageOut,
    MessagePage,
    message_out,
)

blp = Blueprint(
    "member_messages", __name__, url_prefix=API_PREFIX, description="Messages and blocks"
)


def _caller() -> Person:
    person = current_person()
    scope.allow_all()
    return person


@blp.route("/messages", methods=["POST"])
@limited(MESSAGES)
@blp.arguments(MessageIn)
@blp.response(201, MessageOut)
def send_message(body: dict[str, Any]) -> dict[str, Any]:
    message = ops.send_message(
        _caller(),
        to=body["to"],
        body=body["body"],
        subject=body["subject"],
        listing=body["listing"],
        sender=body["sender"],
    )
    return message_out(message)


@blp.route("/messages", methods=["GET"])
@blp.arguments(MessageArgs, location="query")
@blp.response(200, MessagePage)
def list_messages(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's messages, newest first; with ``with``, the conversation with one member
    (reading it marks what they sent as read)."""
    person = _caller()
    rows, cursor = ops.conversation(
        person, with_=args["with_"], limit=args["limit"], cursor=args["cursor"]
    )
    if args["with_"]:
        ops.mark_read(person, rows)
    return {
        "items": [message_out(m) for m in rows],
        "next_cursor": str(cursor) if cursor else None,
    }


def _block_out(found: Block) -> dict[str, Any]:
    from lets_tenants.membership.models import Membership

    return {
        "member": ops.address_of(db.session.get_one(Membership, found.blocked_id)),
        "created_at": found.created_at,
    }


@blp.route("/blocks", methods=["POST"])
@blp.arguments(BlockIn)
@blp.response(201, BlockOut)
def block(body: dict[str, Any]) -> dict[str, Any]:
    return _block_out(ops.block(_caller(), body["member"]))


@blp.route("/blocks", methods=["GET"])
@blp.response(200, BlockOut(many=True))
def list_blocks() -> list[dict[str, Any]]:
    return [_block_out(b) for b in ops.blocks_of(_caller())]


@blp.route("/blocks/<scheme>/<handle>", methods=["DELETE"])
@blp.response(204)
def unblock(scheme: str, handle: str) -> None:
    ops.unblock(_caller(), f"{scheme}/{handle}")
