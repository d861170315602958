"""Meetings under the constitution: notice checked when one is scheduled, an agenda members
add to, attendance with its quorum, minutes published by the deadline, and committee
members deemed resigned after the constitution's number of absences without notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from lets_platform import clock
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.constitution import rules
from lets_tenants.constitution.operations import rule
from lets_tenants.governance.committee import committee_members
from lets_tenants.governance.models import AgendaItem, Attendance, EgmRequest, Meeting
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import get_member, membership_of

NoticeTooShort = _error(
    "notice_too_short", 422, "The meeting gives members less notice than the constitution requires."
)
MeetingNotFound = _error("meeting_not_found", 404, "No such meeting in this scheme.")
MeetingWrongState = _error(
    "meeting_wrong_state", 409, "The meeting is not in a state that allows this."
)
ReconveneTooLate = _error(
    "reconvene_too_late",
    422,
    "An inquorate meeting is called again within the constitution's time.",
)
NotAMember = _error("not_a_member", 403, "Only members of the scheme may do this.")

KINDS = ("committee", "agm", "egm")
PRESENCES = ("present", "apologies", "absent")
_NOTICE = {"agm": ("agm_notice_days", "AGM notice"), "egm": ("egm_notice_days", "EGM notice")}


def get_meeting(scheme: Scheme, meeting_id: int) -> Meeting:
    found = db.session.scalar(
        select(Meeting).where(Meeting.scheme_id == scheme.id, Meeting.id == meeting_id)
    )
    if found is None:
        raise MeetingNotFound(f"There is no meeting {meeting_id} in {scheme.slug}.")
    return found


def list_meetings(scheme: Scheme) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.scheme_id == scheme.id).order_by(Meeting.starts_at.desc())
        )
    )


def check_notice(scheme: Scheme, kind: str, starts_at: datetime, now: datetime) -> None:
    """A general meeting needs the constitution's notice (WES 10(g), Bright 9.3: fourteen
    days for an AGM, seven for an EGM); a committee meeting is publicised in advance."""
    if starts_at <= now:
        raise ValidationFailed(
            "A meeting is scheduled in the future.", errors={"starts_at": ["in the past"]}
        )
    if kind not in _NOTICE:
        return
    name, label = _NOTICE[kind]
    needed = rule(scheme, name)
    given = (starts_at - now).total_seconds() / 86400
    if given < needed.value:
        raise NoticeTooShort(
            f"An {kind.upper()} needs {needed.value} days' notice "
            f"({label}, clause {needed.clause or 'none: the hub default'}); "
            f"{starts_at:%-d %B %Y} is only {int(given)} days away.",
            rule=name,
            clause=needed.clause,
            days=needed.value,
            given_days=int(given),
        )


def schedule(
    scheme: Scheme,
    *,
    kind: str,
    title: str,
    starts_at: datetime,
    location: str = "",
    reconvenes: int | None = None,
    egm_request: int | None = None,
    actor: Person | None,
) -> Meeting:
    """Schedule a meeting, giving members notice now.

    Raises:
        validation_failed, notice_too_short (naming the rule, its clause and days),
        meeting_not_found, reconvene_too_late, egm_request_not_found.
    """
    if kind not in KINDS:
        raise ValidationFailed(f"kind is one of {', '.join(KINDS)}.", errors={"kind": ["invalid"]})
    now = clock.now()
    check_notice(scheme, kind, starts_at, now)
    if reconvenes is not None:
        _check_reconvene(scheme, get_meeting(scheme, reconvenes), starts_at)
    meeting = Meeting(
        scheme_id=scheme.id,
        kind=kind,
        title=title.strip() or kind.upper(),
        starts_at=starts_at,
        location=location,
        notice_given_at=now,
        reconvenes_id=reconvenes,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(meeting)
    db.session.flush()
    if egm_request is not None:
        from lets_tenants.governance.egm import called

        called(scheme, egm_request, meeting)
    record(
        "meeting.scheduled",
        f"meeting:{meeting.id}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        kind=kind,
        starts_at=starts_at.isoformat(),
    )
    return meeting


def _check_reconvene(scheme: Scheme, first: Meeting, starts_at: datetime) -> None:
    """WES 10(h), Bright 9.4: an inquorate general meeting is called again within a month."""
    quorum = rule(scheme, "general_quorum")
    days = int(quorum.value["reconvene_days"])
    if first.quorate is not False:
        raise MeetingWrongState(f"Meeting {first.id} was not recorded as inquorate.")
    if starts_at > first.starts_at + timedelta(days=days):
        raise ReconveneTooLate(
            f"The meeting is called again within {days} days ({quorum.cite()}).",
            clause=quorum.clause,
            days=days,
        )


def add_item(
    scheme: Scheme, meeting: Meeting, *, title: str, detail: str = "", actor: Person
) -> AgendaItem:
    """A member submits an item for a general meeting's agenda (WES 10(g): members are
    invited to submit further items); the committee adds to any meeting's agenda."""
    if meeting.state != "scheduled":
        raise MeetingWrongState("Items are added before the meeting is held.")
    membership = membership_of(actor, scheme)
    if membership is None and not actor.is_admin:
        raise NotAMember(f"Only members of {scheme.slug} submit agenda items.")
    item = AgendaItem(
        scheme_id=scheme.id,
        meeting_id=meeting.id,
        title=title.strip(),
        detail=detail,
        submitted_by_id=membership.id if membership else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.id)
        )
    )


def attendance(meeting: Meeting) -> list[Attendance]:
    return list(
        db.session.scalars(
            select(Attendance).where(Attendance.meeting_id == meeting.id).order_by(Attendance.id)
        )
    )


@dataclass(frozen=True)
class Quorum:
    committee_needed: int
    members_needed: int
    committee_present: int
    others_present: int
    clause: str | None

    @property
    def met(self) -> bool:
        return (
            self.committee_present >= self.committee_needed
            and self.others_present >= self.members_needed
        )


def quorum(scheme: Scheme, meeting: Meeting, rows: list[Attendance] | None = None) -> Quorum:
    """The meeting's quorum by the constitution's rule, and who counts towards it."""
    rows = attendance(meeting) if rows is None else rows
    committee = {m.id for m in committee_members(scheme)}
    present = [a for a in rows if a.presence == "present"]
    on_committee = sum(a.membership_id in committee for a in present)
    others = len(present) - on_committee
    if meeting.kind == "committee":
        found = rule(scheme, "committee_quorum")
        needed = rules.committee_quorum(found.value, len(committee))
        return Quorum(needed, 0, on_committee, others, found.clause)
    found = rule(scheme, "general_quorum")
    general = rules.general_quorum(found.value, len(committee))
    return Quorum(
        general.committee_needed, general.members_needed, on_committee, others, found.clause
    )


def record_attendance(
    scheme: Scheme, meeting: Meeting, entries: list[dict[str, Any]], *, actor: Person | None
) -> Quorum:
    """Record who was present, sent apologies (absent with notice) or was absent, and mark
    the meeting held, quorate or not."""
    members = [get_member(scheme, entry["handle"]) for entry in entries]
    if meeting.state == "cancelled":
        raise MeetingWrongState("The meeting was cancelled.")
    if meeting.starts_at > clock.now():
        raise MeetingWrongState("Attendance is recorded once the meeting has started.")
    committee = {m.id for m in committee_members(scheme)}
    existing = {a.membership_id: a for a in attendance(meeting)}
    for entry, member in zip(entries, members, strict=True):
        presence = entry.get("presence")
        if presence not in PRESENCES:
            raise ValidationFailed(
                f"presence is one of {', '.join(PRESENCES)}.", errors={"presence": ["invalid"]}
            )
        row = existing.get(member.id)
        if row is None:
            row = Attendance(scheme_id=scheme.id, meeting_id=meeting.id, membership_id=member.id)
            db.session.add(row)
            existing[member.id] = row
        row.presence = presence
        row.committee = member.id in committee
    db.session.flush()
    result = quorum(scheme, meeting, list(existing.values()))
    meeting.state = "held"
    meeting.quorate = result.met
    record(
        "meeting.attendance",
        f"meeting:{meeting.id}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        quorate=result.met,
    )
    return result


def minutes_due(scheme: Scheme, meeting: Meeting) -> datetime:
    """When the minutes must be available to members (WES 6(c), Bright 7.3: a month)."""
    return meeting.starts_at + timedelta(days=rule(scheme, "minutes_deadline_days").value)


def publish_minutes(
    scheme: Scheme, meeting: Meeting, *, text: str, actor: Person | None
) -> Meeting:
    """Publish the agreed minutes to every member."""
    if meeting.state != "held":
        raise MeetingWrongState("Minutes are published for a meeting that was held.")
    if not text.strip():
        raise ValidationFailed("The minutes are empty.", errors={"minutes": ["required"]})
    meeting.minutes = text
    meeting.minutes_published_at = clock.now()
    db.session.flush()
    record(
        "meeting.minutes_published",
        f"meeting:{meeting.id}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        late=meeting.minutes_published_at > minutes_due(scheme, meeting),
    )
    return meeting


@dataclass(frozen=True)
class DeemedResigned:
    membership: Membership
    absences: int
    clause: str | None
    #: The last of the meetings missed (a later run of absences is another resignation).
    last_meeting_id: int


def deemed_resigned(scheme: Scheme) -> list[DeemedResigned]:
    """Committee members absent without good reason or notice from the constitution's
    number of consecutive committee meetings (WES 6(e), Bright 7.6: three): they are deemed
    to have resigned, and are to be notified."""
    limit = rule(scheme, "absences_deemed_resignation")
    held = list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.scheme_id == scheme.id,
                Meeting.kind == "committee",
                Meeting.state == "held",
            )
            .order_by(Meeting.starts_at.desc())
            .limit(limit.value)
        )
    )
    if len(held) < limit.value:
        return []
    rows = db.session.scalars(
        select(Attendance).where(Attendance.meeting_id.in_([m.id for m in held]))
    ).all()
    seen: dict[int, set[str]] = {}
    for a in rows:
        seen.setdefault(a.membership_id, set()).add(a.presence)
    return [
        DeemedResigned(m, limit.value, limit.clause, held[0].id)
        for m in committee_members(scheme)
        if seen.get(m.id, {"absent"}) <= {"absent"}
    ]


def egm_request_of(meeting: Meeting) -> EgmRequest | None:
    return db.session.scalar(select(EgmRequest).where(EgmRequest.meeting_id == meeting.id))


@dataclass(frozen=True)
class Due:
    """A meeting the constitution asks for that is not held or scheduled in time."""

    kind: str
    since: datetime
    days: int
    clause: str | None
    message: str


def meetings_due(scheme: Scheme) -> list[Due]:
    """The committee's meeting (WES 6(a), Bright 7.1: at least every three months) and the
    AGM (WES 10(a), Bright 9.1: every calendar year) when the last one, held or scheduled,
    is further back than the constitution allows (counted from the scheme's start)."""
    now = clock.now()
    due = []
    for kind, name, label in (
        ("committee", "committee_meets_every_days", "The committee meets at least every"),
        ("agm", "agm_every_months", "An AGM is held at least every"),
    ):
        found = rule(scheme, name)
        days = found.value if kind == "committee" else round(found.value * 365 / 12)
        last = db.session.scalar(
            select(Meeting.starts_at)
            .where(
                Meeting.scheme_id == scheme.id, Meeting.kind == kind, Meeting.state != "cancelled"
            )
            .order_by(Meeting.starts_at.desc())
            .limit(1)
        )
        since = last or scheme.created_at
        if now - since > timedelta(days=days):
            due.append(
                Due(
                    kind,
                    since,
                    days,
                    found.clause,
                    f"{label} {days} days (clause {found.clause}); the last was {since:%-d %B %Y}."
                    if last
                    else f"{label} {days} days (clause {found.clause}); there has been none "
                    f"since the scheme started on {since:%-d %B %Y}.",
                )
            )
    return due
