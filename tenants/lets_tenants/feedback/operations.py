"""Feedback after a transfer: the payer on the payee and the payee on the payer, once
each, editable for ``EDITABLE_DAYS``; only on a posted transfer between two members."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from lets_platform import clock
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.directory.text import check_text
from lets_tenants.feedback.models import MAX_COMMENT, RATINGS, Feedback
from lets_tenants.ledger.models import Transfer
from lets_tenants.membership.models import Membership

TransferNotFound = _error("transfer_not_found", 404, "No such transfer that you took part in.")
RatingInvalid = _error("rating_invalid", 422, "A rating is positive, neutral or negative.")
FeedbackExists = _error("feedback_exists", 409, "You have left feedback on this transfer.")
FeedbackNotFound = _error("feedback_not_found", 404, "You have left no feedback here.")
FeedbackClosed = _error("feedback_closed", 409, "Feedback may be changed for 14 days only.")
TransferNotPosted = _error(
    "transfer_not_posted", 409, "Feedback waits until the transfer is posted."
)

EDITABLE_DAYS = 14


def _parties(scheme: Scheme, transfer_id: Any, person: Person) -> tuple[Transfer, int, int]:
    """The transfer, the caller's membership in it and the other party's."""
    try:
        tid = uuid.UUID(str(transfer_id))
    except ValueError:
        raise TransferNotFound(f"There is no transfer {transfer_id!r}.") from None
    transfer = db.session.scalar(
        select(Transfer).where(Transfer.id == tid, Transfer.scheme_id == scheme.id)
    )
    if transfer is None:
        raise TransferNotFound()
    owners = dict(
        db.session.execute(
            select(Account.id, Membership.person_id)
            .join(Membership, Membership.id == Account.membership_id)
            .where(Account.id.in_([transfer.payer_id, transfer.payee_id]))
        ).all()
    )
    members = dict(
        db.session.execute(
            select(Account.id, Account.membership_id).where(
                Account.id.in_([transfer.payer_id, transfer.payee_id])
            )
        ).all()
    )
    payer, payee = members.get(transfer.payer_id), members.get(transfer.payee_id)
    if owners.get(transfer.payer_id) == person.id and payee is not None and payer is not None:
        return transfer, payer, payee
    if owners.get(transfer.payee_id) == person.id and payer is not None and payee is not None:
        return transfer, payee, payer
    raise TransferNotFound()  # not a party: it is none of the caller's business


def _rating(rating: str) -> str:
    if rating not in RATINGS:
        raise RatingInvalid(errors={"rating": ["Choose positive, neutral or negative."]})
    return rating


def give_feedback(
    scheme: Scheme, transfer_id: Any, person: Person, *, rating: str, comment: str = ""
) -> Feedback:
    transfer, author, subject = _parties(scheme, transfer_id, person)
    if transfer.state != "posted":
        raise TransferNotPosted()
    rating = _rating(rating)
    comment = check_text("comment", comment, MAX_COMMENT)
    exists = select(Feedback.id).where(
        Feedback.transfer_id == transfer.id, Feedback.author_id == author
    )
    if db.session.scalar(exists) is not None:
        raise FeedbackExists("You have left feedback on this transfer; change it with PATCH.")
    now = clock.now()
    made = Feedback(
        scheme_id=scheme.id,
        transfer_id=transfer.id,
        author_id=author,
        subject_id=subject,
        rating=rating,
        comment=comment,
        created_at=now,
        updated_at=now,
    )
    db.session.add(made)
    db.session.flush()
    return made


def change_feedback(
    scheme: Scheme,
    transfer_id: Any,
    person: Person,
    *,
    rating: str | None = None,
    comment: str | None = None,
) -> Feedback:
    transfer, author, _ = _parties(scheme, transfer_id, person)
    found = db.session.scalar(
        select(Feedback).where(Feedback.transfer_id == transfer.id, Feedback.author_id == author)
    )
    if found is None:
        raise FeedbackNotFound()
    if clock.now() > found.created_at + timedelta(days=EDITABLE_DAYS):
        raise FeedbackClosed()
    if rating is not None:
        found.rating = _rating(rating)
    if comment is not None:
        found.comment = check_text("comment", comment, MAX_COMMENT)
    found.updated_at = clock.now()
    db.session.flush()
    return found


def feedback_on(member: Membership, limit: int = 20) -> list[tuple[Feedback, Membership]]:
    """The latest feedback on a member, with who gave it."""
    rows = db.session.execute(
        select(Feedback, Membership)
        .join(Membership, Membership.id == Feedback.author_id)
        .where(Feedback.subject_id == member.id)
        .order_by(Feedback.created_at.desc())
        .limit(limit)
    ).all()
    return [(f, m) for f, m in rows]
