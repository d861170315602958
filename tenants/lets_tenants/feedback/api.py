"""REST handlers for feedback after a transfer."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.db import db
from lets_tenants.context import scheme_for
from lets_tenants.feedback import operations as ops
from lets_tenants.feedback.models import Feedback
from lets_tenants.membership.models import Membership

blp = Blueprint(
    "feedback",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>/transfers/<transfer_id>",
    description="Feedback of the payer and the payee on each other",
)


class FeedbackIn(Schema):
    rating = fields.String(required=True)
    comment = fields.String(load_default="")


class FeedbackPatch(Schema):
    rating = fields.String(load_default=None)
    comment = fields.String(load_default=None)


class FeedbackOut(Schema):
    transfer = fields.String()
    author = fields.String()
    subject = fields.String()
    rating = fields.String()
    comment = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def _out(scheme: str, found: Feedback) -> dict[str, Any]:
    def handle(membership_id: int) -> str:
        return f"{scheme}/{db.session.get_one(Membership, membership_id).handle}"

    return {
        "transfer": str(found.transfer_id),
        "author": handle(found.author_id),
        "subject": handle(found.subject_id),
        "rating": found.rating,
        "comment": found.comment,
        "created_at": found.created_at,
        "updated_at": found.updated_at,
    }


@blp.route("/feedback", methods=["POST"])
@blp.arguments(FeedbackIn)
@blp.response(201, FeedbackOut)
def give(body: dict[str, Any], scheme: str, transfer_id: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "directory.list_own")
    return _out(found.slug, ops.give_feedback(found, transfer_id, person, **body))


@blp.route("/feedback", methods=["PATCH"])
@blp.arguments(FeedbackPatch)
@blp.response(200, FeedbackOut)
def change(body: dict[str, Any], scheme: str, transfer_id: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "directory.list_own")
    return _out(found.slug, ops.change_feedback(found, transfer_id, person, **body))
