"""The directory's daily job: remind owners a week before a listing lapses (once per
expiry date, with the one-click renewal link), and mark lapsed listings expired."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from lets_platform import clock
from lets_platform.db import db
from lets_platform.jobs import actor
from lets_platform.mail import message, send
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.models import Listing
from lets_tenants.directory.operations import expire_lapsed

log = logging.getLogger(__name__)

#: How long before its expiry an owner is reminded.
REMIND_DAYS = 7
#: The job runs this often (the reminder goes out on the first run in the window).
EVERY_SECONDS = 6 * 3600


def renewal_link(scheme: Scheme, listing: Listing) -> str:
    base = (current_app.config.get("LETS_PUBLIC_URL") or "").rstrip("/")
    return f"{base}/s/{scheme.slug}/directory/listings/{listing.id}"


def remind_one(listing: Listing) -> None:
    scheme = db.session.get_one(Scheme, listing.scheme_id)
    owner = listing.owner
    subject = f"Your {listing.kind} “{listing.title}” lapses on {listing.expires_on:%d %B %Y}"
    body = (
        f"Dear {owner.display_name},\n\n"
        f"Your {listing.kind} “{listing.title}” in the {scheme.name} directory lapses on "
        f"{listing.expires_on:%d %B %Y}. To keep it listed for another six months, open\n\n"
        f"  {renewal_link(scheme, listing)}\n\nand press Renew (or POST /api/v1/schemes/"
        f"{scheme.slug}/listings/{listing.id}/renew). If it is no longer on offer, do nothing: "
        "it will lapse by itself.\n\n"
        f"The directory editor of {scheme.name}\n"
    )
    if owner.person.email:  # a paper member is reminded by the directory editor
        send(message(owner.person.email, subject, body))
    listing.reminded_for = listing.expires_on


@actor(max_retries=3)
def remind_expiring() -> None:
    """Remind each owner once per expiry date; then expire what has lapsed. Idempotent: a
    listing already reminded for its current expiry is skipped."""
    now = clock.now()
    due = db.session.scalars(
        select(Listing)
        .where(
            Listing.status == "active",
            Listing.expires_on >= now.date(),
            Listing.expires_on <= now.date() + timedelta(days=REMIND_DAYS),
            or_(Listing.reminded_for.is_(None), Listing.reminded_for != Listing.expires_on),
        )
        .order_by(Listing.id)
    )
    reminded = 0
    for listing in due:
        remind_one(listing)
        db.session.commit()  # each reminder stays sent even if a later one fails
        reminded += 1
    lapsed = expire_lapsed(now)
    log.info("directory: %d reminders sent, %d listings lapsed", reminded, lapsed)


@actor(max_retries=3)
def make_export(export_id: int) -> None:
    """Make a printable directory (PDF or CSV) for a large scheme, with progress."""
    from lets_tenants.directory.printable import run_export

    run_export(export_id)
