"""Reports on a scheme's listings, events, messages and profiles, and their resolution by
its directory editor or coordinator: hide the item (its author is told), contact the
author, or dismiss the report. Every act is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lets_platform import clock, jobs
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.models import Listing
from lets_tenants.directory.text import check_text
from lets_tenants.directory.viewer import Viewer, listing_visible
from lets_tenants.events.models import Event
from lets_tenants.membership.models import Membership
from lets_tenants.messages.models import Message
from lets_tenants.moderation.models import MAX_REASON, SUBJECTS, Report
from lets_tenants.profiles.models import Profile

SubjectInvalid = _error(
    "report_subject_invalid", 422, "A report is on a listing, event, message or profile."
)
SubjectNotFound = _error(
    "report_subject_not_found",
    422,
    "There is no such item of this scheme that you can see (report it to its own scheme).",
)
ReportNotFound = _error("report_not_found", 404, "No such report.")
ReportClosed = _error("report_closed", 409, "The report has been resolved.")
ActionInvalid = _error("action_invalid", 422, "The action is hide, contact or dismiss.")
ACTIONS = ("hide", "contact", "dismiss")


@dataclass
class Subject:
    """A reported item: what it is, its author, and a short description for people."""

    kind: str
    id: int
    author: Membership
    label: str
    item: Any


def _not_found(kind: str, ref: Any, scheme: Scheme) -> Exception:
    return SubjectNotFound(
        f"There is no {kind} {ref} in {scheme.slug} that you can see.",
        errors={"id": [f"No {kind} {ref} of {scheme.slug}."]},
    )


def find_subject(
    scheme: Scheme, kind: str, ref: Any, viewer: Viewer | None, *, by_id: bool = False
) -> Subject:
    """The item of this scheme only, as ``viewer`` (the reporter) sees it; ``None``: as a
    moderator, who sees everything of the scheme (a profile then by its membership id)."""
    if kind not in SUBJECTS:
        raise SubjectInvalid(errors={"subject": [f"One of {', '.join(SUBJECTS)}."]})
    if kind == "profile":
        which = Membership.id == int(ref) if by_id else Membership.handle == str(ref)
        member = db.session.scalar(
            select(Membership).where(Membership.scheme_id == scheme.id, which)
        )
        if member is None:
            raise _not_found(kind, ref, scheme)
        return Subject(kind, member.id, member, f"profile of {member.handle}", member)
    try:
        item_id = int(ref)
    except (TypeError, ValueError):
        raise _not_found(kind, ref, scheme) from None
    if kind == "listing":
        query = select(Listing).where(Listing.id == item_id, Listing.scheme_id == scheme.id)
        if viewer is not None:
            query = query.where(listing_visible(viewer, Listing))
        listing = db.session.scalar(query)
        if listing is None:
            raise _not_found(kind, ref, scheme)
        return Subject(kind, item_id, listing.owner, f"{listing.kind} “{listing.title}”", listing)
    if kind == "event":
        event = db.session.scalar(
            select(Event).where(Event.id == item_id, Event.scheme_id == scheme.id)
        )
        if event is None or (viewer is not None and viewer.member_id(scheme.id) is None):
            raise _not_found(kind, ref, scheme)
        author = db.session.get_one(Membership, event.created_by_id)
        return Subject(kind, item_id, author, f"event “{event.title}”", event)
    message = db.session.scalar(
        select(Message).where(Message.id == item_id, Message.scheme_id == scheme.id)
    )
    reader = viewer.person if viewer is not None else None
    if message is None or (
        viewer is not None and (reader is None or message.recipient.person_id != reader.id)
    ):
        raise _not_found(kind, ref, scheme)
    return Subject(kind, item_id, message.sender, "a message", message)


def report(
    scheme: Scheme, person: Person, viewer: Viewer, *, subject: str, ref: Any, reason: str
) -> Report:
    """Anyone signed in who can see an item of this scheme reports it to its moderators."""
    found = find_subject(scheme, subject, ref, viewer)
    reason = check_text("reason", reason, MAX_REASON, required=True)
    made = Report(
        scheme_id=scheme.id,
        subject=found.kind,
        subject_id=found.id,
        reason=reason,
        reporter_id=person.id,
        state="open",
        note="",
        created_at=clock.now(),
    )
    db.session.add(made)
    db.session.flush()
    record(
        "report.made",
        f"{found.kind}:{found.id}",
        actor_id=person.id,
        scheme_id=scheme.id,
        report=made.id,
    )
    from lets_tenants.moderation.tasks import tell_moderators

    jobs.send_after_commit(tell_moderators, made.id)
    return made


def subject_of(report_: Report, scheme: Scheme) -> Subject | None:
    """The reported item as its moderators see it (``None`` if it went meanwhile)."""
    try:
        return find_subject(scheme, report_.subject, report_.subject_id, None, by_id=True)
    except SubjectNotFound:
        return None


def list_reports(scheme: Scheme, *, state: str | None = "open") -> list[Report]:
    query = select(Report).where(Report.scheme_id == scheme.id)
    if state:
        query = query.where(Report.state == state)
    return list(db.session.scalars(query.order_by(Report.created_at.desc()).limit(200)))


def get_report(scheme: Scheme, report_id: Any) -> Report:
    try:
        rid = int(report_id)
    except (TypeError, ValueError):
        raise ReportNotFound() from None
    found = db.session.scalar(select(Report).where(Report.id == rid, Report.scheme_id == scheme.id))
    if found is None:
        raise ReportNotFound(f"There is no report {rid} in {scheme.slug}.")
    return found


def _hide(subject: Subject) -> None:
    item = subject.item
    if subject.kind in ("listing", "event"):
        item.status = "hidden"
    elif subject.kind == "message":
        item.hidden = True
    else:
        profile = db.session.scalar(select(Profile).where(Profile.membership_id == item.id))
        if profile is None:
            profile = Profile(
                scheme_id=item.scheme_id,
                membership_id=item.id,
                audience={},
                area="",
                about="",
                skills="",
                contact="",
            )
            db.session.add(profile)
        profile.hidden = True


def resolve(
    scheme: Scheme, report_id: Any, moderator: Person, *, action: str, note: str = ""
) -> Report:
    """Hide the item (and tell its author why), contact its author (the report stays
    open), or dismiss the report."""
    if action not in ACTIONS:
        raise ActionInvalid(errors={"action": ["Choose hide, contact or dismiss."]})
    note = check_text("note", note, MAX_REASON, required=action == "contact")
    found = get_report(scheme, report_id)
    if found.state != "open":
        raise ReportClosed(f"Report {found.id} was resolved ({found.state}).")
    subject = subject_of(found, scheme)
    from lets_tenants.moderation.tasks import tell_author

    if action == "hide" and subject is not None:
        _hide(subject)
    if action in ("hide", "contact") and subject is not None:
        jobs.send_after_commit(tell_author, found.id, action, note)
    if action != "contact":
        found.state = "hidden" if action == "hide" else "dismissed"
        found.resolved_by_id = moderator.id
        found.resolved_at = clock.now()
    found.note = note or found.note
    record(
        f"report.{action}",
        f"{found.subject}:{found.subject_id}",
        actor_id=moderator.id,
        scheme_id=scheme.id,
        report=found.id,
        note=note,
    )
    db.session.flush()
    return found
