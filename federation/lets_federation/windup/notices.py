"""Notices of a wind-up: one per member, queued with the decision, sent after it commits.

Each notice is a row (``WindUpNotice``) and a mail in the hub's mail queue
(``lets_platform.mailqueue``), both written in the decision's transaction: the queue sends
the mail after the commit, and whatever is left unsent (no worker ran, the mail server was
down) later, so no notice is lost and none is sent twice. The mail tells the member the
deadline, their own balance and what it asks of them, and how to choose where their
balance goes.
"""

from __future__ import annotations

from sqlalchemy import select

from lets_federation.windup.models import WindUp, WindUpNotice
from lets_platform import clock
from lets_platform.db import db
from lets_platform.mailqueue.operations import enqueue
from lets_platform.money import format_amount
from lets_platform.tenancy import scope
from lets_tenants.accounts.models import Account
from lets_tenants.membership.models import Membership


def queue(wind_up: WindUp) -> list[WindUpNotice]:
    """A notice for every active member of the wind-up's scheme who has an email address,
    in the mail queue: it is sent once this commits."""
    members = [
        m
        for m in db.session.scalars(
            select(Membership).where(
                Membership.scheme_id == wind_up.scheme_id, Membership.status == "active"
            )
        )
        if m.person.email  # a paper member has none: their organisers tell them
    ]
    queued = [
        WindUpNotice(
            wind_up_id=wind_up.id,
            scheme_id=wind_up.scheme_id,
            membership_id=m.id,
            email=m.person.email,
        )
        for m in members
    ]
    db.session.add_all(queued)
    db.session.flush()
    for notice, membership in zip(queued, members, strict=True):
        _enqueue(notice, wind_up, membership)
    return queued


def _enqueue(notice: WindUpNotice, wind_up: WindUp, membership: Membership) -> None:
    subject, body = render(wind_up, membership)
    enqueue(notice.email, subject, body, scheme_id=notice.scheme_id)
    notice.sent_at = clock.now()


def deliver(notice_id: int) -> bool:
    """Put one notice into the mail queue unless it is there (a notice queued before the
    mail queue existed, or a message of the job that used to send them); returns whether
    it was queued now."""
    notice = db.session.scalar(
        select(WindUpNotice).where(WindUpNotice.id == notice_id).with_for_update()
    )
    if notice is None or notice.sent_at is not None:
        return False
    scope.allow(notice.scheme_id)
    wind_up = db.session.get_one(WindUp, notice.wind_up_id)
    _enqueue(notice, wind_up, db.session.get_one(Membership, notice.membership_id))
    return True


def render(wind_up: WindUp, membership: Membership) -> tuple[str, str]:
    """The notice's subject and text for one member, with their balance as it is now."""
    scheme, pool = wind_up.scheme, wind_up.pool
    account = db.session.scalar(select(Account).where(Account.membership_id == membership.id))
    balance = account.balance if account is not None else 0
    amount = f"{format_amount(balance, scheme.currency_decimals)} {scheme.currency_name}"
    deadline = f"{wind_up.deadline:%d %B %Y}"
    subject = f"{scheme.name} is winding up: please settle your account by {deadline}"
    lines = [
        f"Dear {membership.display_name},",
        "",
        f"At the meeting of {wind_up.meeting_date:%d %B %Y} the members of {scheme.name} voted "
        f"to wind the scheme up ({wind_up.votes_for} for, {wind_up.votes_against} against, "
        f"{wind_up.votes_abstaining} abstaining).",
        "",
        f"Your account {membership.handle} stands at {amount}.",
        _what_to_do(balance, deadline),
        "",
        "Trading goes on until then, but no account may go further into debit: you may "
        "spend what you are in credit, down to zero, and receive payments as before.",
        "",
        f"After {deadline} your remaining balance, in credit or in debit, moves to the scheme "
        "of your choice (one where you are a member, or will become one), or to the "
        f"{pool.name} if you make no choice. Choose on the hub (POST /api/v1/schemes/"
        f"{scheme.slug}/wind-up/choices), or tell an organiser, who will record it for you.",
        "",
        f"The organisers of {scheme.name}",
    ]
    return subject, "\n".join(lines) + "\n"


def _what_to_do(balance: int, deadline: str) -> str:
    if balance < 0:
        return (
            f"You are in debit. Please repay as much of it as you can by {deadline}, by "
            "offering goods and services to other members."
        )
    if balance > 0:
        return (
            f"You are in credit. Please spend it with other members by {deadline}; the "
            "organisers will help you find what you need."
        )
    return "Your account is balanced; nothing is asked of you."
