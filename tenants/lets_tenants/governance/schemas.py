"""Marshmallow schemas of meetings, motions and ballots, and EGM requests."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform.tenancy.models import Scheme
from lets_tenants.governance import meetings as meeting_ops
from lets_tenants.governance.ballots import adoption_pending, list_ballots
from lets_tenants.governance.egm import overdue as egm_overdue
from lets_tenants.governance.egm import signatures
from lets_tenants.governance.models import Ballot, EgmRequest, Meeting


class MeetingIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(meeting_ops.KINDS))
    title = fields.String(load_default="", validate=validate.Length(max=200))
    starts_at = fields.AwareDateTime(required=True)
    location = fields.String(load_default="", validate=validate.Length(max=200))
    reconvenes = fields.Integer(load_default=None, strict=True)
    egm_request = fields.Integer(load_default=None, strict=True)


class ItemIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    detail = fields.String(load_default="", validate=validate.Length(max=2000))


class AttendanceEntry(Schema):
    handle = fields.String(required=True)
    presence = fields.String(required=True, validate=validate.OneOf(meeting_ops.PRESENCES))


class AttendanceIn(Schema):
    entries = fields.List(fields.Nested(AttendanceEntry), required=True)


class MinutesIn(Schema):
    minutes = fields.String(required=True, validate=validate.Length(min=1, max=100_000))


class QuorumOut(Schema):
    met = fields.Boolean()
    committee_needed = fields.Integer()
    members_needed = fields.Integer()
    committee_present = fields.Integer()
    others_present = fields.Integer()
    clause = fields.String(allow_none=True)


class BallotOut(Schema):
    id = fields.Integer()
    form = fields.String(metadata={"description": "motion (at a meeting) or ballot"})
    purpose = fields.String()
    question = fields.String()
    meeting = fields.Integer(allow_none=True)
    majority = fields.String()
    clause = fields.String(allow_none=True)
    changes = fields.Dict(allow_none=True)
    consultation = fields.String(allow_none=True)
    state = fields.String()
    closes_at = fields.DateTime(allow_none=True)
    votes_for = fields.Integer(allow_none=True)
    votes_against = fields.Integer(allow_none=True)
    votes_abstaining = fields.Integer(allow_none=True)
    electorate = fields.Integer(allow_none=True)
    passed = fields.Boolean(allow_none=True)
    adoption_pending = fields.Boolean()


class MeetingOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    starts_at = fields.DateTime()
    location = fields.String()
    notice_given_at = fields.DateTime()
    state = fields.String()
    quorate = fields.Boolean(allow_none=True)
    reconvenes = fields.Integer(allow_none=True)
    minutes = fields.String(allow_none=True)
    minutes_published_at = fields.DateTime(allow_none=True)
    minutes_due = fields.DateTime()
    agenda = fields.List(fields.Dict())
    attendance = fields.List(fields.Dict())
    quorum = fields.Nested(QuorumOut, allow_none=True)
    ballots = fields.List(fields.Nested(BallotOut))


class BallotIn(Schema):
    question = fields.String(required=True, validate=validate.Length(min=1, max=500))
    purpose = fields.String(
        load_default="general",
        validate=validate.OneOf(("general", "constitution_change", "wind_up", "election")),
    )
    meeting = fields.Integer(load_default=None, strict=True)
    closes_at = fields.AwareDateTime(load_default=None)
    changes = fields.Dict(load_default=None)
    wind_up_deadline = fields.Date(load_default=None)


class VoteIn(Schema):
    choice = fields.String(required=True)
    member = fields.String(
        load_default=None,
        metadata={"description": "the organisation represented, or (chair) the member present"},
    )


class VoteOut(Schema):
    ballot = fields.Integer()
    member = fields.String()
    choice = fields.String()
    cast_at = fields.DateTime()


class ConsultationIn(Schema):
    consultation = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class EgmRequestIn(Schema):
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class EgmRequestOut(Schema):
    id = fields.Integer()
    purpose = fields.String()
    state = fields.String(metadata={"description": "open, reached, called or lapsed"})
    opened_at = fields.DateTime()
    window_ends_at = fields.DateTime()
    members_needed = fields.Integer()
    clause = fields.String(allow_none=True)
    signatures = fields.Integer()
    signed_by = fields.List(fields.String())
    reached_at = fields.DateTime(allow_none=True)
    call_by = fields.DateTime(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "reached, and not called by call_by"})
    meeting = fields.Integer(allow_none=True)


class DueOut(Schema):
    kind = fields.String(metadata={"description": "committee or agm"})
    since = fields.DateTime(metadata={"description": "the last such meeting, or the start"})
    days = fields.Integer()
    clause = fields.String(allow_none=True)
    message = fields.String()


class DeemedOut(Schema):
    member = fields.String()
    absences = fields.Integer()
    clause = fields.String(allow_none=True)


def ballot_out(scheme: Scheme, ballot: Ballot) -> dict[str, Any]:
    return {
        "id": ballot.id,
        "form": ballot.form,
        "purpose": ballot.purpose,
        "question": ballot.question,
        "meeting": ballot.meeting_id,
        "majority": ballot.majority,
        "clause": ballot.clause,
        "changes": ballot.changes,
        "consultation": ballot.consultation,
        "state": ballot.state,
        "closes_at": ballot.closes_at,
        "votes_for": ballot.votes_for,
        "votes_against": ballot.votes_against,
        "votes_abstaining": ballot.votes_abstaining,
        "electorate": ballot.electorate,
        "passed": ballot.passed,
        "adoption_pending": adoption_pending(scheme, ballot),
    }


def quorum_out(q: meeting_ops.Quorum) -> dict[str, Any]:
    return {
        "met": q.met,
        "committee_needed": q.committee_needed,
        "members_needed": q.members_needed,
        "committee_present": q.committee_present,
        "others_present": q.others_present,
        "clause": q.clause,
    }


def meeting_out(scheme: Scheme, meeting: Meeting) -> dict[str, Any]:
    rows = meeting_ops.attendance(meeting)
    return {
        "id": meeting.id,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "location": meeting.location,
        "notice_given_at": meeting.notice_given_at,
        "state": meeting.state,
        "quorate": meeting.quorate,
        "reconvenes": meeting.reconvenes_id,
        "minutes": meeting.minutes,
        "minutes_published_at": meeting.minutes_published_at,
        "minutes_due": meeting_ops.minutes_due(scheme, meeting),
        "agenda": [
            {
                "id": i.id,
                "title": i.title,
                "detail": i.detail,
                "submitted_by": i.submitted_by.handle if i.submitted_by else None,
            }
            for i in meeting_ops.agenda(meeting)
        ],
        "attendance": [
            {"member": a.membership.handle, "presence": a.presence, "committee": a.committee}
            for a in rows
        ],
        "quorum": quorum_out(meeting_ops.quorum(scheme, meeting, rows)) if rows else None,
        "ballots": [ballot_out(scheme, b) for b in list_ballots(scheme, meeting)],
    }


def egm_request_out(request: EgmRequest) -> dict[str, Any]:
    signed = signatures(request)
    return {
        "id": request.id,
        "purpose": request.purpose,
        "state": request.state,
        "opened_at": request.opened_at,
        "window_ends_at": request.window_ends_at,
        "members_needed": request.members_needed,
        "clause": request.clause,
        "signatures": len(signed),
        "signed_by": [s.membership.handle for s in signed],
        "reached_at": request.reached_at,
        "call_by": request.call_by,
        "overdue": egm_overdue(request),
        "meeting": request.meeting_id,
    }
