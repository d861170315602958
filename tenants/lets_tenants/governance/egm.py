"""Members' requests for an extraordinary general meeting.

WES 10(e): at the request of at least six members, the committee issues notice within four
days; Bright 9.2: four members, within three days. A request counts signatures for the
constitution's days from its opening; when enough have signed, the committee is told and
the deadline to call the meeting starts to run (``call_by``), tracked until an EGM is
scheduled for the request.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lets_platform import clock
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.constitution.operations import rule
from lets_tenants.governance import notify
from lets_tenants.governance.committee import committee_members
from lets_tenants.governance.models import EgmRequest, EgmSignature, Meeting
from lets_tenants.joining.operations import has_vote
from lets_tenants.membership.operations import membership_of

EgmRequestNotFound = _error("egm_request_not_found", 404, "No such EGM request in this scheme.")
EgmRequestClosed = _error(
    "egm_request_closed", 409, "The request no longer takes signatures: its window has passed."
)
AlreadySigned = _error("already_signed", 409, "You have signed this request already.")
NoVote = _error("no_vote", 403, "Only members in good standing vote or sign requests.")


def get_request(scheme: Scheme, request_id: int) -> EgmRequest:
    found = db.session.scalar(
        select(EgmRequest).where(EgmRequest.scheme_id == scheme.id, EgmRequest.id == request_id)
    )
    if found is None:
        raise EgmRequestNotFound(f"There is no EGM request {request_id} in {scheme.slug}.")
    return found


def list_requests(scheme: Scheme) -> list[EgmRequest]:
    return list(
        db.session.scalars(
            select(EgmRequest)
            .where(EgmRequest.scheme_id == scheme.id)
            .order_by(EgmRequest.opened_at.desc())
        )
    )


def signatures(request: EgmRequest) -> list[EgmSignature]:
    return list(
        db.session.scalars(
            select(EgmSignature)
            .where(EgmSignature.request_id == request.id)
            .order_by(EgmSignature.signed_at)
        )
    )


def open_request(scheme: Scheme, *, purpose: str, actor: Person) -> EgmRequest:
    """Open a request for an EGM, signed by the member who opens it."""
    if not purpose.strip():
        raise ValidationFailed("Say what the EGM is for.", errors={"purpose": ["required"]})
    members = rule(scheme, "egm_request_members")
    days = rule(scheme, "egm_request_days")
    now = clock.now()
    request = EgmRequest(
        scheme_id=scheme.id,
        purpose=purpose.strip(),
        opened_at=now,
        window_ends_at=now + timedelta(days=days.value),
        members_needed=members.value,
        clause=members.clause,
    )
    db.session.add(request)
    db.session.flush()
    sign(scheme, request, actor=actor)
    return request


def sign(scheme: Scheme, request: EgmRequest, *, actor: Person) -> EgmSignature:
    """A member signs; the signature that reaches the threshold tells the committee.

    Raises:
        egm_request_closed, no_vote, already_signed (one signature each, a unique key).
    """
    now = clock.now()
    # Signatures of one request queue here, so the one that reaches the threshold is one.
    db.session.refresh(request, with_for_update=True)
    if request.state == "lapsed" or (request.state == "open" and now > request.window_ends_at):
        raise EgmRequestClosed(
            f"The request's window ended at {request.window_ends_at:%d %B %Y %H:%M} "
            f"(clause {request.clause}).",
            clause=request.clause,
        )
    membership = membership_of(actor, scheme)
    if membership is None or not has_vote(scheme, membership):
        raise NoVote(f"Only members of {scheme.slug} in good standing sign a request.")
    signature = EgmSignature(
        scheme_id=scheme.id, request_id=request.id, membership_id=membership.id, signed_at=now
    )
    try:
        with db.session.begin_nested():
            db.session.add(signature)
    except IntegrityError:
        raise AlreadySigned("You have signed this request already.") from None
    count = (
        db.session.scalar(select(func.count()).where(EgmSignature.request_id == request.id)) or 0
    )
    if request.state == "open" and count >= request.members_needed:
        _reached(scheme, request, now)
    return signature


def _reached(scheme: Scheme, request: EgmRequest, now: object) -> None:
    days = rule(scheme, "egm_request_days")
    request.state = "reached"
    request.reached_at = clock.now()
    request.call_by = request.reached_at + timedelta(days=days.value)
    db.session.flush()
    record(
        "egm_request.reached",
        f"egm_request:{request.id}",
        actor_id=None,
        scheme_id=scheme.id,
        call_by=request.call_by.isoformat(),
    )
    for member in committee_members(scheme):
        notify.queue(
            member.person.email,
            f"{scheme.name}: members have requested an EGM",
            f"Dear {member.display_name},\n\n{request.members_needed} members of {scheme.name} "
            f"have requested an extraordinary general meeting:\n\n  {request.purpose}\n\n"
            f"Under clause {request.clause} the committee calls it by "
            f"{request.call_by:%d %B %Y %H:%M} UTC.\n",
            scheme_id=scheme.id,
        )


def called(scheme: Scheme, request_id: int, meeting: Meeting) -> EgmRequest:
    """The committee scheduled the EGM a request asked for."""
    request = get_request(scheme, request_id)
    if meeting.kind != "egm":
        raise ValidationFailed(
            "A request is answered by an EGM.", errors={"egm_request": ["not an EGM"]}
        )
    request.state = "called"
    request.meeting_id = meeting.id
    db.session.flush()
    return request


def overdue(request: EgmRequest) -> bool:
    """Enough members signed, and the committee has not called the EGM by ``call_by``."""
    return bool(request.state == "reached" and request.call_by and clock.now() > request.call_by)


def lapse_overdue(scheme_id: int | None = None) -> int:
    """Requests still open after their window lapse; returns how many."""
    query = select(EgmRequest).where(
        EgmRequest.state == "open", EgmRequest.window_ends_at < clock.now()
    )
    if scheme_id is not None:
        query = query.where(EgmRequest.scheme_id == scheme_id)
    lapsed = list(db.session.scalars(query))
    for request in lapsed:
        request.state = "lapsed"
    db.session.flush()
    return len(lapsed)
