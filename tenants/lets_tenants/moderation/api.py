"""REST handlers for reports and the moderation queue."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.context import scheme_for
from lets_tenants.directory.viewer import viewer_in
from lets_tenants.moderation import operations as ops
from lets_tenants.moderation.models import Report

blp = Blueprint(
    "moderation",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>/reports",
    description="Reports of members on listings, events, messages and profiles",
)
MODERATE = "directory.moderate"


class ModerationReportIn(Schema):
    subject = fields.String(required=True)
    #: The item's id; a profile's member's handle.
    id = fields.Raw(required=True, metadata={"type": "string"})
    reason = fields.String(required=True)


class ResolveIn(Schema):
    action = fields.String(required=True, metadata={"description": "hide, contact or dismiss"})
    note = fields.String(load_default="")


class ModerationReportArgs(Schema):
    state = fields.String(load_default="open")


class ModerationReportOut(Schema):
    id = fields.Integer()
    subject = fields.String()
    subject_id = fields.Integer()
    reason = fields.String()
    state = fields.String()
    note = fields.String()
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)


def _out(found: Report) -> dict[str, Any]:
    return {
        "id": found.id,
        "subject": found.subject,
        "subject_id": found.subject_id,
        "reason": found.reason,
        "state": found.state,
        "note": found.note,
        "created_at": found.created_at,
        "resolved_at": found.resolved_at,
    }


@blp.route("", methods=["POST"])
@blp.arguments(ModerationReportIn)
@blp.response(201, ModerationReportOut)
def make_report(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """Anyone signed in reports an item they can see, to the item's own scheme."""
    person = current_person()
    found = get_scheme(scheme)
    made = ops.report(
        found,
        person,
        viewer_in(person, found),
        subject=body["subject"],
        ref=body["id"],
        reason=body["reason"],
    )
    return _out(made)


@blp.route("", methods=["GET"])
@blp.arguments(ModerationReportArgs, location="query")
@blp.response(200, ModerationReportOut(many=True))
def list_reports(args: dict[str, Any], scheme: str) -> list[dict[str, Any]]:
    _, found = scheme_for(scheme, MODERATE)
    return [_out(r) for r in ops.list_reports(found, state=args["state"] or None)]


@blp.route("/<report_id>/resolve", methods=["POST"])
@blp.arguments(ResolveIn)
@blp.response(200, ModerationReportOut)
def resolve(body: dict[str, Any], scheme: str, report_id: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, MODERATE)
    return _out(ops.resolve(found, report_id, person, action=body["action"], note=body["note"]))
