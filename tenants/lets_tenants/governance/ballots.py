"""Motions at meetings and postal or online ballots: one member one vote, organisational
members through their representative, each result by the majority the constitution
requires for its purpose.

A passed constitution change becomes a new version once the consultation the text names
has been recorded (WES 12(a), Bright 11.1); a passed wind-up ballot starts the federation's
wind-up through ``ballot_decided`` (the federation listens), with the counted votes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lets_platform import clock
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.identity.operations import grant_role
from lets_platform.permissions import COMMITTEE
from lets_platform.signals import wind_up_ballot_passed
from lets_platform.tenancy.models import Scheme
from lets_tenants.constitution import parameters as params
from lets_tenants.constitution import rules
from lets_tenants.constitution.operations import Rule, adopt_motion, rule
from lets_tenants.governance.committee import committee_members
from lets_tenants.governance.egm import NoVote
from lets_tenants.governance.meetings import MeetingWrongState, attendance
from lets_tenants.governance.models import AgendaItem, Ballot, Meeting, Vote
from lets_tenants.joining.models import Standing
from lets_tenants.joining.operations import electorate, has_vote
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import get_member, membership_of, role_holders

BallotNotFound = _error("ballot_not_found", 404, "No such motion or ballot in this scheme.")
BallotClosed = _error("ballot_closed", 409, "Voting has closed.")
AlreadyVoted = _error("already_voted", 409, "This member has voted already: one member, one vote.")
NotPresent = _error("not_present", 409, "A motion is voted on by the members present.")
MeetingMayNotChange = _error(
    "meeting_may_not_change_constitution",
    409,
    "The constitution changes only at the meetings it names.",
)
WindUpNeedsBallot = _error(
    "wind_up_needs_ballot", 409, "The constitution winds the scheme up only by a ballot."
)
MeetingInquorate = _error("meeting_inquorate", 409, "An inquorate meeting decides nothing.")
ElectionAtAgm = _error("election_at_agm", 409, "Officers are elected at the AGM.")
NotEligible = _error(
    "not_eligible", 409, "Only a member in good standing is eligible for election."
)
NotAVotingMember = _error(
    "not_a_voting_member", 409, "Members attend committee meetings but do not vote there."
)
#: Roles besides the committee's that vote at committee meetings (WES 6(h), Bright 7.9).
VOTING_AT_COMMITTEE = frozenset({"organiser", "coordinator", "mediator"})
ChoiceInvalid = _error("choice_invalid", 422, "A vote is for, against or abstain.")

PURPOSES = ("general", "constitution_change", "wind_up", "election")
#: Offices an AGM elects (WES 10(c), Bright 8.2).
ELECTED = frozenset(COMMITTEE | {"mediator"})
CHOICES = ("for", "against", "abstain")
_MAJORITY = {"constitution_change": "change_majority", "wind_up": "wind_up_majority"}
#: Any other motion: "failing [consensus] votes are taken" (WES 9(a), Bright 8.4) by a
#: simple majority, which neither text names (so no clause is cited).
SIMPLE = Rule("majority", "simple_majority_of_votes_cast", None)


def get_ballot(scheme: Scheme, ballot_id: int) -> Ballot:
    found = db.session.scalar(
        select(Ballot).where(Ballot.scheme_id == scheme.id, Ballot.id == ballot_id)
    )
    if found is None:
        raise BallotNotFound(f"There is no motion or ballot {ballot_id} in {scheme.slug}.")
    return found


def list_ballots(scheme: Scheme, meeting: Meeting | None = None) -> list[Ballot]:
    query = select(Ballot).where(Ballot.scheme_id == scheme.id)
    if meeting is not None:
        query = query.where(Ballot.meeting_id == meeting.id)
    return list(db.session.scalars(query.order_by(Ballot.opened_at.desc())))


def open_vote(
    scheme: Scheme,
    *,
    question: str,
    purpose: str = "general",
    meeting: Meeting | None = None,
    closes_at: datetime | None = None,
    changes: dict[str, Any] | None = None,
    wind_up_deadline: date | None = None,
    actor: Person | None,
) -> Ballot:
    """Put a motion to a meeting (``meeting``) or open a ballot of the membership.

    The majority is fixed now from the constitution in force: simple for a general
    motion, the change majority (WES 12(b)) or the wind-up majority (WES 13(b), Bright
    12.2) otherwise.

    Raises:
        validation_failed, meeting_wrong_state, meeting_may_not_change_constitution,
        wind_up_needs_ballot.
    """
    if purpose not in PURPOSES:
        raise ValidationFailed(
            "purpose is general, constitution_change, wind_up or election.",
            errors={"purpose": ["invalid"]},
        )
    if meeting is not None and meeting.state == "cancelled":
        raise MeetingWrongState("The meeting was cancelled.")
    if purpose == "constitution_change":
        _check_change(scheme, meeting, changes)
    if purpose == "wind_up":
        _check_wind_up(scheme, meeting, wind_up_deadline)
    if purpose == "election":
        _check_election(scheme, meeting, changes)
    if meeting is not None:
        _check_quorate(scheme, meeting)
    majority = rule(scheme, _MAJORITY[purpose]) if purpose in _MAJORITY else SIMPLE
    ballot = Ballot(
        scheme_id=scheme.id,
        meeting_id=meeting.id if meeting else None,
        form="motion" if meeting else "ballot",
        purpose=purpose,
        question=question.strip(),
        majority=majority.value,
        clause=majority.clause,
        changes=changes,
        wind_up_deadline=wind_up_deadline,
        opened_at=clock.now(),
        closes_at=closes_at,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(ballot)
    db.session.flush()
    return ballot


def _check_quorate(scheme: Scheme, meeting: Meeting) -> None:
    """A meeting decides only when quorate (WES 6(d), 10(h); Bright 7.5, 9.4); a general
    meeting called again after an inquorate one proceeds whatever its attendance."""
    if meeting.quorate:
        return
    if meeting.quorate is None:
        raise MeetingWrongState(
            "Record the attendance first: motions are decided by those present."
        )
    if meeting.kind != "committee" and meeting.reconvenes_id is not None:
        return
    quorum = rule(scheme, "committee_quorum" if meeting.kind == "committee" else "general_quorum")
    raise MeetingInquorate(
        f"The meeting was not quorate ({quorum.cite()}), so it decides nothing"
        + ("." if meeting.kind == "committee" else "; call it again within the month."),
        clause=quorum.clause,
    )


def _check_election(
    scheme: Scheme, meeting: Meeting | None, changes: dict[str, Any] | None
) -> None:
    """The AGM appoints the officers (WES 10(c), Bright 8.2); any member in good standing
    is eligible (WES 10(d), Bright 8.3)."""
    if meeting is None or meeting.kind != "agm":
        raise ElectionAtAgm("Officers are elected at the AGM (WES 10(c), Bright 8.2).")
    role = (changes or {}).get("role")
    if role not in ELECTED:
        raise ValidationFailed(
            f"An election is for one of {', '.join(sorted(ELECTED))}.",
            errors={"changes": ["role"]},
        )
    candidate = get_member(scheme, str((changes or {}).get("handle")))
    if not has_vote(scheme, candidate):
        raise NotEligible(
            f"{candidate.handle} is not a member in good standing (WES 10(d), Bright 8.3)."
        )


def _check_change(scheme: Scheme, meeting: Meeting | None, changes: dict[str, Any] | None) -> None:
    allowed = rule(scheme, "change_meetings")
    if meeting is None or meeting.kind not in allowed.value:
        kinds = " or ".join(k.upper() for k in allowed.value)
        raise MeetingMayNotChange(
            f"The constitution changes only by a motion at an {kinds} ({allowed.cite()}).",
            clause=allowed.clause,
            meetings=allowed.value,
        )
    if not changes:
        raise ValidationFailed("Say what the motion changes.", errors={"changes": ["required"]})
    params.check({k: v for k, v in changes.items() if k != "text"}, partial=True)


def _check_wind_up(scheme: Scheme, meeting: Meeting | None, deadline: date | None) -> None:
    form = rule(scheme, "wind_up_form")
    if form.value == "ballot" and meeting is not None:
        raise WindUpNeedsBallot(
            f"The scheme is wound up only by a ballot of the members ({form.cite()}).",
            clause=form.clause,
        )
    if deadline is None:
        raise ValidationFailed(
            "A wind-up ballot names the repayment deadline that applies if it carries.",
            errors={"wind_up_deadline": ["required"]},
        )


def record_consultation(
    scheme: Scheme, ballot: Ballot, *, text: str, actor: Person | None
) -> Ballot:
    """Record the consultation the constitution names before a change (LETSlink); a change
    that passed already becomes the new version now."""
    if ballot.purpose != "constitution_change":
        raise ValidationFailed(
            "Only a constitution change is consulted on.",
            errors={"ballot": ["not a constitution change"]},
        )
    if not text.strip():
        raise ValidationFailed(
            "Say who was consulted and what they advised.", errors={"consultation": ["required"]}
        )
    ballot.consultation = text.strip()
    ballot.consulted_at = clock.now()
    db.session.flush()
    _adopt_if_ready(scheme, ballot, actor)
    return ballot


def voter_for(scheme: Scheme, person: Person, on_behalf_of: str | None) -> Membership:
    """The membership whose vote ``person`` casts: their own, or the organisational member
    they represent (``on_behalf_of``: its handle)."""
    if on_behalf_of is None:
        membership = membership_of(person, scheme)
        if membership is None:
            raise NoVote(f"You are not a member of {scheme.slug}.")
        return membership
    membership = get_member(scheme, on_behalf_of)
    represents = db.session.scalar(
        select(Standing.id).where(
            Standing.membership_id == membership.id,
            Standing.kind == "organisation",
            Standing.representative_id == person.id,
        )
    )
    if represents is None and membership.person_id != person.id:
        raise NoVote(f"You do not represent {on_behalf_of}.")
    return membership


def vote(
    scheme: Scheme,
    ballot: Ballot,
    *,
    choice: str,
    actor: Person,
    member: str | None = None,
    recorded_by_chair: bool = False,
) -> Vote:
    """Cast one vote. ``member`` names the organisational member the actor represents, or,
    when the meeting's chair records a show of hands (``recorded_by_chair``), the member
    present whose vote it is.

    Raises:
        ballot_closed, choice_invalid, no_vote, not_present, already_voted (a unique key:
        one member, one vote, however many requests race).
    """
    # A vote holds the ballot's row shared, so the count waits for votes being cast.
    db.session.refresh(ballot, with_for_update={"read": True})
    if ballot.state != "open" or (ballot.closes_at is not None and clock.now() > ballot.closes_at):
        raise BallotClosed("Voting on this has closed.")
    if choice not in CHOICES:
        raise ChoiceInvalid(f"{choice!r} is not for, against or abstain.")
    voter = (
        get_member(scheme, member)
        if recorded_by_chair and member
        else voter_for(scheme, actor, member)
    )
    if not has_vote(scheme, voter):
        raise NoVote(f"{voter.handle} has no vote (not in good standing).")
    if ballot.meeting_id is not None:
        _check_present(scheme, ballot, voter)
    cast = Vote(
        scheme_id=scheme.id,
        ballot_id=ballot.id,
        membership_id=voter.id,
        choice=choice,
        cast_by_id=actor.id,
        cast_at=clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(cast)
    except IntegrityError:
        raise AlreadyVoted(f"{voter.handle} has voted on this already.") from None
    return cast


def _check_present(scheme: Scheme, ballot: Ballot, voter: Membership) -> None:
    meeting = db.session.get_one(Meeting, ballot.meeting_id)
    present = {a.membership_id for a in attendance(meeting) if a.presence == "present"}
    if voter.id not in present:
        raise NotPresent(f"{voter.handle} is not recorded present at the meeting.")
    if meeting.kind == "committee" and voter.id not in _committee_voters(scheme):
        raise NotAVotingMember(
            f"{voter.handle} may attend and contribute but not vote at a committee meeting "
            "(WES 6(d), Bright 7.4).",
        )


def _committee_voters(scheme: Scheme) -> set[int]:
    """Who votes at a committee meeting: the committee, and the administration's and the
    mediators' people who attend (WES 6(h), Bright 7.9)."""
    voters = {m.id for m in committee_members(scheme)}
    for membership, grant in role_holders(scheme):
        if grant.role in VOTING_AT_COMMITTEE:
            voters.add(membership.id)
    return voters


def count(scheme: Scheme, ballot: Ballot) -> rules.Count:
    tally = dict(
        db.session.execute(
            select(Vote.choice, func.count())
            .where(Vote.ballot_id == ballot.id)
            .group_by(Vote.choice)
        ).all()
    )
    return rules.Count(
        tally.get("for", 0), tally.get("against", 0), tally.get("abstain", 0), electorate(scheme)
    )


def close(scheme: Scheme, ballot: Ballot, *, actor: Person | None) -> Ballot:
    """Count the votes and decide by the ballot's majority. A passed change becomes a new
    version (once consulted); a passed wind-up starts the federation's wind-up."""
    db.session.refresh(ballot, with_for_update=True)  # closed and counted once
    if ballot.state != "open":
        raise BallotClosed("This is closed already.")
    result = count(scheme, ballot)
    ballot.state = "closed"
    ballot.closed_at = clock.now()
    ballot.votes_for, ballot.votes_against = result.votes_for, result.votes_against
    ballot.votes_abstaining, ballot.electorate = result.abstaining, result.electorate
    ballot.passed = rules.passes(ballot.majority, result)
    db.session.flush()
    record(
        "ballot.closed",
        f"ballot:{ballot.id}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        passed=ballot.passed,
        votes=[result.votes_for, result.votes_against, result.abstaining],
    )
    if ballot.passed and ballot.purpose == "constitution_change":
        _adopt_if_ready(scheme, ballot, actor)
    if ballot.passed and ballot.purpose == "election" and ballot.changes:
        elected = get_member(scheme, str(ballot.changes["handle"]))
        grant_role(
            elected.person, str(ballot.changes["role"]), scheme_id=scheme.id, granted_by=actor
        )
    if ballot.purpose == "wind_up":
        _result_meeting(scheme, ballot, actor)
    if ballot.passed and ballot.purpose == "wind_up":
        wind_up_ballot_passed.send(scheme, ballot=ballot, actor=actor)
    return ballot


def _result_meeting(scheme: Scheme, ballot: Ballot, actor: Person | None) -> None:
    """Bright 12.2: the ballot's results "shall be available at a further EGM, giving 14
    days' notice": that EGM is called now, with the result on its agenda."""
    from lets_tenants.governance.meetings import schedule

    notice = rule(scheme, "wind_up_result_notice_days")
    if not notice.value:
        return
    result = "carried" if ballot.passed else "not carried"
    meeting = schedule(
        scheme,
        kind="egm",
        title="EGM: the result of the wind-up ballot",
        starts_at=clock.now() + timedelta(days=notice.value),
        actor=actor,
    )
    db.session.add(
        AgendaItem(
            scheme_id=scheme.id,
            meeting_id=meeting.id,
            title=f"The wind-up ballot: {result}, {ballot.votes_for} for, {ballot.votes_against} "
            f"against, of {ballot.electorate} members (clause {notice.clause})",
        )
    )


def _adopt_if_ready(scheme: Scheme, ballot: Ballot, actor: Person | None) -> None:
    if not ballot.passed or ballot.state != "closed" or ballot.changes is None:
        return
    if rule(scheme, "change_consultation").value and ballot.consultation is None:
        return
    from lets_tenants.constitution.models import ConstitutionVersion

    done = db.session.scalar(
        select(ConstitutionVersion.id).where(ConstitutionVersion.ballot_id == ballot.id)
    )
    if done is not None:
        return
    adopt_motion(
        scheme,
        dict(ballot.changes),
        ballot_id=ballot.id,
        meeting_id=ballot.meeting_id,
        actor=actor,
        note=f"Motion {ballot.id}: {ballot.question} ({ballot.votes_for} for, "
        f"{ballot.votes_against} against, {ballot.votes_abstaining} abstaining).",
    )


def adoption_pending(scheme: Scheme, ballot: Ballot) -> bool:
    """A change that passed but waits for its consultation to be recorded."""
    return bool(
        ballot.purpose == "constitution_change"
        and ballot.passed
        and ballot.consultation is None
        and rule(scheme, "change_consultation").value
    )
