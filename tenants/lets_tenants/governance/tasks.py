"""The governance sweep (every hour from ``lets scheduler``): reminders of minutes falling
due, lapsed EGM requests, and (``joining``) renewal reminders and lapsed memberships."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from lets_platform import clock
from lets_platform.audit.models import AuditEntry
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.jobs import actor
from lets_platform.permissions import RUNS_SCHEME
from lets_platform.tenancy.models import Scheme
from lets_tenants.governance import egm, notify
from lets_tenants.governance.committee import committee_members
from lets_tenants.governance.meetings import deemed_resigned, minutes_due
from lets_tenants.governance.models import Meeting
from lets_tenants.membership.models import Membership

log = logging.getLogger(__name__)

#: Seconds between sweeps.
EVERY = 3600
#: The secretary is reminded this many days before the minutes are due.
MINUTES_REMINDER_DAYS = 7


def remind_minutes() -> int:
    """Remind the committee of every held meeting whose minutes are not published and fall
    due within ``MINUTES_REMINDER_DAYS``; each meeting once (``minutes_reminded_at``)."""
    now = clock.now()
    held = db.session.scalars(
        select(Meeting).where(
            Meeting.state == "held",
            Meeting.minutes_published_at.is_(None),
            Meeting.minutes_reminded_at.is_(None),
        )
    ).all()
    reminded = 0
    for meeting in held:
        scheme = db.session.get_one(Scheme, meeting.scheme_id)
        due = minutes_due(scheme, meeting)
        if due - now > timedelta(days=MINUTES_REMINDER_DAYS):
            continue
        for member in _secretaries(scheme):
            notify.queue(
                member.person.email,
                f"{scheme.name}: minutes of {meeting.title} due {due:%d %B %Y}",
                f"Dear {member.display_name},\n\nThe minutes of {meeting.title} "
                f"({meeting.starts_at:%d %B %Y}) are to be available to all members by "
                f"{due:%d %B %Y}. Publish them on the meeting's page once agreed.\n",
                scheme_id=scheme.id,
            )
        meeting.minutes_reminded_at = now
        reminded += 1
    db.session.flush()
    return reminded


def _secretaries(scheme: Scheme) -> list[Membership]:
    """The committee (the secretary among them) or, without one, the scheme's organisers."""
    members = committee_members(scheme)
    if members:
        return members
    from lets_tenants.membership.operations import role_holders

    return [m for m, grant in role_holders(scheme) if grant.role in RUNS_SCHEME]


def notify_deemed_resigned() -> int:
    """Tell each committee member deemed to have resigned (WES 6(e): "shall be notified to
    that effect"), once per run of absences: the audit log keeps that it was done."""
    told = 0
    schemes = db.session.scalars(select(Scheme).where(Scheme.status == "active")).all()
    for scheme in schemes:
        for found in deemed_resigned(scheme):
            member = found.membership
            subject = f"member:{member.handle}@meeting:{found.last_meeting_id}"
            done = db.session.scalar(
                select(AuditEntry.id).where(
                    AuditEntry.scheme_id == scheme.id,
                    AuditEntry.action == "committee.deemed_resigned",
                    AuditEntry.subject == subject,
                )
            )
            if done is not None:
                continue
            notify.queue(
                member.person.email,
                f"{scheme.name}: you are deemed to have resigned from the committee",
                f"Dear {member.display_name},\n\nYou were absent from {found.absences} "
                "consecutive committee meetings without good reason or notice, so under "
                f"clause {found.clause} you are deemed to have resigned your position. "
                "If this is wrong, tell the secretary.\n",
                scheme_id=scheme.id,
            )
            record(
                "committee.deemed_resigned",
                subject,
                actor_id=None,
                scheme_id=scheme.id,
                clause=found.clause,
            )
            told += 1
    db.session.flush()
    return told


@actor(max_retries=3)
def governance_sweep() -> None:
    reminded = remind_minutes()
    told = notify_deemed_resigned()
    lapsed = egm.lapse_overdue()
    from lets_tenants.joining.operations import sweep_renewals

    renewals = sweep_renewals()
    if reminded or told or lapsed or any(renewals.values()):
        log.info(
            "governance sweep: %d minutes reminders, %d told deemed resigned, "
            "%d EGM requests lapsed, %s",
            reminded,
            told,
            lapsed,
            renewals,
        )
