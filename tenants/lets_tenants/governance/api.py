"""REST handlers of meetings, motions and ballots, and EGM requests."""

from __future__ import annotations

from typing import Any

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.db import db
from lets_tenants.context import scheme_for
from lets_tenants.governance import ballots as ballot_ops
from lets_tenants.governance import egm as egm_ops
from lets_tenants.governance import meetings as meeting_ops
from lets_tenants.governance.schemas import (
    AttendanceIn,
    BallotIn,
    BallotOut,
    ConsultationIn,
    DeemedOut,
    DueOut,
    EgmRequestIn,
    EgmRequestOut,
    ItemIn,
    MeetingIn,
    MeetingOut,
    MinutesIn,
    QuorumOut,
    VoteIn,
    VoteOut,
    ballot_out,
    egm_request_out,
    meeting_out,
    quorum_out,
)
from lets_tenants.membership.models import Membership

blp = Blueprint(
    "governance",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Meetings, motions and ballots, EGM requests: as the constitution requires",
)


@blp.route("/meetings", methods=["POST"])
@blp.arguments(MeetingIn)
@blp.response(201, MeetingOut)
def schedule(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """Schedule a meeting; an AGM or EGM with less notice than the constitution's is
    ``notice_too_short`` (naming the rule, its clause and days)."""
    person, found = scheme_for(scheme, "meetings.manage")
    return meeting_out(found, meeting_ops.schedule(found, actor=person, **body))


@blp.route("/meetings", methods=["GET"])
@blp.response(200, MeetingOut(many=True))
def list_meetings(scheme: str) -> list[dict[str, Any]]:
    _, found = scheme_for(scheme, "meetings.read")
    return [meeting_out(found, m) for m in meeting_ops.list_meetings(found)]


@blp.route("/meetings/<int:meeting_id>", methods=["GET"])
@blp.response(200, MeetingOut)
def get_meeting(scheme: str, meeting_id: int) -> dict[str, Any]:
    _, found = scheme_for(scheme, "meetings.read")
    return meeting_out(found, meeting_ops.get_meeting(found, meeting_id))


@blp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@blp.arguments(ItemIn)
@blp.response(201, MeetingOut)
def submit_item(body: dict[str, Any], scheme: str, meeting_id: int) -> dict[str, Any]:
    """A member adds an item to a general meeting's agenda; the committee to any meeting's."""
    person, found = scheme_for(scheme, "meetings.submit_item")
    meeting = meeting_ops.get_meeting(found, meeting_id)
    if meeting.kind == "committee":
        permissions.require(person, "meetings.manage", found.id)
    meeting_ops.add_item(found, meeting, actor=person, **body)
    return meeting_out(found, meeting)


@blp.route("/meetings/<int:meeting_id>/attendance", methods=["PUT"])
@blp.arguments(AttendanceIn)
@blp.response(200, QuorumOut)
def attendance(body: dict[str, Any], scheme: str, meeting_id: int) -> dict[str, Any]:
    """Who was present, sent apologies or was absent; answers the quorum."""
    person, found = scheme_for(scheme, "meetings.manage")
    meeting = meeting_ops.get_meeting(found, meeting_id)
    return quorum_out(meeting_ops.record_attendance(found, meeting, body["entries"], actor=person))


@blp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
@blp.arguments(MinutesIn)
@blp.response(200, MeetingOut)
def minutes(body: dict[str, Any], scheme: str, meeting_id: int) -> dict[str, Any]:
    person, found = scheme_for(scheme, "meetings.manage")
    meeting = meeting_ops.get_meeting(found, meeting_id)
    return meeting_out(
        found, meeting_ops.publish_minutes(found, meeting, text=body["minutes"], actor=person)
    )


@blp.route("/meetings-due", methods=["GET"])
@blp.response(200, DueOut(many=True))
def meetings_due(scheme: str) -> list[dict[str, Any]]:
    """Meetings the constitution asks for that are overdue (committee, AGM)."""
    _, found = scheme_for(scheme, "meetings.read")
    return [d.__dict__ for d in meeting_ops.meetings_due(found)]


@blp.route("/committee/deemed-resigned", methods=["GET"])
@blp.response(200, DeemedOut(many=True))
def deemed_resigned(scheme: str) -> list[dict[str, Any]]:
    """Committee members absent without notice from the constitution's number of
    consecutive committee meetings."""
    _, found = scheme_for(scheme, "meetings.read")
    return [
        {"member": d.membership.handle, "absences": d.absences, "clause": d.clause}
        for d in meeting_ops.deemed_resigned(found)
    ]


@blp.route("/ballots", methods=["POST"])
@blp.arguments(BallotIn)
@blp.response(201, BallotOut)
def open_vote(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """A motion at a meeting (``meeting``) or a postal/online ballot of the membership."""
    person, found = scheme_for(scheme, "meetings.manage")
    meeting_id = body.pop("meeting")
    meeting = meeting_ops.get_meeting(found, meeting_id) if meeting_id is not None else None
    return ballot_out(found, ballot_ops.open_vote(found, meeting=meeting, actor=person, **body))


@blp.route("/ballots", methods=["GET"])
@blp.response(200, BallotOut(many=True))
def list_ballots(scheme: str) -> list[dict[str, Any]]:
    _, found = scheme_for(scheme, "meetings.read")
    return [ballot_out(found, b) for b in ballot_ops.list_ballots(found)]


@blp.route("/ballots/<int:ballot_id>", methods=["GET"])
@blp.response(200, BallotOut)
def get_ballot(scheme: str, ballot_id: int) -> dict[str, Any]:
    _, found = scheme_for(scheme, "meetings.read")
    return ballot_out(found, ballot_ops.get_ballot(found, ballot_id))


@blp.route("/ballots/<int:ballot_id>/votes", methods=["POST"])
@blp.arguments(VoteIn)
@blp.response(201, VoteOut)
def vote(body: dict[str, Any], scheme: str, ballot_id: int) -> dict[str, Any]:
    """One member, one vote: one's own, or the organisation one represents (``member``); at
    a meeting the chair may record a member's show of hands (``member``)."""
    person, found = scheme_for(scheme, "ballots.vote")
    ballot = ballot_ops.get_ballot(found, ballot_id)
    by_chair = bool(
        body["member"]
        and ballot.form == "motion"
        and permissions.can(person, "meetings.manage", found.id)
    )
    cast = ballot_ops.vote(
        found,
        ballot,
        choice=body["choice"],
        actor=person,
        member=body["member"],
        recorded_by_chair=by_chair,
    )
    return {
        "ballot": ballot.id,
        "member": db.session.get_one(Membership, cast.membership_id).handle,
        "choice": cast.choice,
        "cast_at": cast.cast_at,
    }


@blp.route("/ballots/<int:ballot_id>/consultation", methods=["POST"])
@blp.arguments(ConsultationIn)
@blp.response(200, BallotOut)
def consultation(body: dict[str, Any], scheme: str, ballot_id: int) -> dict[str, Any]:
    person, found = scheme_for(scheme, "meetings.manage")
    ballot = ballot_ops.get_ballot(found, ballot_id)
    return ballot_out(
        found,
        ballot_ops.record_consultation(found, ballot, text=body["consultation"], actor=person),
    )


@blp.route("/ballots/<int:ballot_id>/close", methods=["POST"])
@blp.response(200, BallotOut)
def close(scheme: str, ballot_id: int) -> dict[str, Any]:
    """Count and decide by the constitution's majority; a carried change makes a new
    version, a carried wind-up ballot starts the wind-up."""
    person, found = scheme_for(scheme, "meetings.manage")
    ballot = ballot_ops.get_ballot(found, ballot_id)
    return ballot_out(found, ballot_ops.close(found, ballot, actor=person))


@blp.route("/egm-requests", methods=["POST"])
@blp.arguments(EgmRequestIn)
@blp.response(201, EgmRequestOut)
def open_request(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "egm.sign")
    return egm_request_out(egm_ops.open_request(found, purpose=body["purpose"], actor=person))


@blp.route("/egm-requests", methods=["GET"])
@blp.response(200, EgmRequestOut(many=True))
def list_requests(scheme: str) -> list[dict[str, Any]]:
    _, found = scheme_for(scheme, "meetings.read")
    return [egm_request_out(r) for r in egm_ops.list_requests(found)]


@blp.route("/egm-requests/<int:request_id>/signatures", methods=["POST"])
@blp.response(201, EgmRequestOut)
def sign(scheme: str, request_id: int) -> dict[str, Any]:
    person, found = scheme_for(scheme, "egm.sign")
    request = egm_ops.get_request(found, request_id)
    egm_ops.sign(found, request, actor=person)
    return egm_request_out(request)
