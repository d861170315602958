"""Mail of moderation: a new report to the scheme's directory editors and coordinators;
the author of a hidden item told why, or contacted about it."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from lets_platform.db import db
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.jobs import actor
from lets_platform.mail import message, send
from lets_platform.tenancy.models import Scheme
from lets_tenants.moderation.models import Report
from lets_tenants.moderation.operations import subject_of

MODERATORS = ("directory_editor", "coordinator")


@actor(max_retries=5)
def tell_moderators(report_id: int) -> None:
    found = db.session.get(Report, report_id)
    if found is None:
        return
    scheme = db.session.get_one(Scheme, found.scheme_id)
    emails = db.session.scalars(
        select(Person.email)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(
            RoleGrant.scheme_id == scheme.id,
            RoleGrant.role.in_(MODERATORS),
            RoleGrant.revoked_at.is_(None),
        )
        .distinct()
    )
    base = (current_app.config.get("LETS_PUBLIC_URL") or "").rstrip("/")
    for email in emails:
        if email:
            send(
                message(
                    email,
                    f"{scheme.name}: a {found.subject} was reported",
                    f"A {found.subject} was reported:\n\n{found.reason}\n\n"
                    f"See the moderation queue: {base}/s/{scheme.slug}/directory/reports\n",
                )
            )


@actor(max_retries=5)
def tell_author(report_id: int, action: str, note: str) -> None:
    found = db.session.get(Report, report_id)
    if found is None:
        return
    scheme = db.session.get_one(Scheme, found.scheme_id)
    subject = subject_of(found, scheme)
    email = subject.author.person.email if subject is not None else None
    if subject is None or not email:
        return
    if action == "hide":
        title = f"{scheme.name}: your {subject.label} has been hidden"
        text = (
            f"Dear {subject.author.display_name},\n\nAfter a report, the directory editor of "
            f"{scheme.name} has hidden your {subject.label}. Other members no longer see it."
        )
    else:
        title = f"{scheme.name}: about your {subject.label}"
        text = (
            f"Dear {subject.author.display_name},\n\nThe directory editor of {scheme.name} "
            f"writes about your {subject.label}."
        )
    reason = f"\n\n{note}\n" if note else "\n"
    send(
        message(
            email,
            title,
            text + reason + "\nReply to your scheme's organisers with any questions.\n",
        )
    )
