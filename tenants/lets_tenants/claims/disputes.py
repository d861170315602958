"""Disputes between members, or between a member and the administration, adjudicated by
the mediation group (WES 8(a), Bright 6(d)), which records its handling and outcome;
where mediation fails it is referred to LETSlink (WES 8(c))."""

from __future__ import annotations

from sqlalchemy import or_, select

from lets_platform import clock
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.claims.models import Dispute
from lets_tenants.claims.operations import NotAMember
from lets_tenants.membership.operations import get_member, membership_of

DisputeNotFound = _error("dispute_not_found", 404, "No such dispute in this scheme.")
DisputeClosed = _error("dispute_closed", 409, "The dispute was resolved or referred already.")

STATES = ("open", "in_mediation", "resolved", "referred")


def raise_dispute(
    scheme: Scheme, *, description: str, against: str | None, actor: Person
) -> Dispute:
    """A member raises a dispute with another member (``against``: a handle) or, without
    one, with the administration."""
    other = get_member(scheme, against) if against else None
    raised_by = membership_of(actor, scheme)
    if raised_by is None:
        raise NotAMember(f"Only members of {scheme.slug} raise disputes.")
    if other is not None and other.id == raised_by.id:
        raise ValidationFailed("A dispute is with someone else.", errors={"against": ["self"]})
    if not description.strip():
        raise ValidationFailed("Describe the dispute.", errors={"description": ["required"]})
    dispute = Dispute(
        scheme_id=scheme.id,
        raised_by_id=raised_by.id,
        against_id=other.id if other else None,
        description=description.strip(),
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    db.session.add(dispute)
    db.session.flush()
    return dispute


def get_dispute(scheme: Scheme, dispute_id: int) -> Dispute:
    found = db.session.scalar(
        select(Dispute).where(Dispute.scheme_id == scheme.id, Dispute.id == dispute_id)
    )
    if found is None:
        raise DisputeNotFound(f"There is no dispute {dispute_id} in {scheme.slug}.")
    return found


def list_disputes(scheme: Scheme, person: Person | None = None) -> list[Dispute]:
    """Every dispute, or (``person``) those they raised or that name them."""
    query = select(Dispute).where(Dispute.scheme_id == scheme.id)
    if person is not None:
        mine = membership_of(person, scheme)
        me = mine.id if mine else -1
        query = query.where(or_(Dispute.raised_by_id == me, Dispute.against_id == me))
    return list(db.session.scalars(query.order_by(Dispute.id.desc())))


def handle(
    scheme: Scheme,
    dispute: Dispute,
    *,
    state: str,
    note: str,
    outcome: str | None,
    actor: Person | None,
) -> Dispute:
    """The mediation group records a step: a note on how it is handled, a new state, and
    for ``resolved`` or ``referred`` the outcome."""
    if dispute.state in ("resolved", "referred"):
        raise DisputeClosed(f"Dispute {dispute.id} is {dispute.state}.")
    if state not in STATES:
        raise ValidationFailed(
            f"state is one of {', '.join(STATES)}.", errors={"state": ["invalid"]}
        )
    if state in ("resolved", "referred") and not (outcome or "").strip():
        raise ValidationFailed("Record the outcome.", errors={"outcome": ["required"]})
    stamp = f"{clock.now():%Y-%m-%d}"
    dispute.handling = (dispute.handling + f"\n[{stamp}] {note.strip()}").strip()[:4000]
    dispute.state = state
    dispute.outcome = (outcome or "").strip() or dispute.outcome
    dispute.handled_by_id = actor.id if actor else None
    dispute.updated_at = clock.now()
    db.session.flush()
    return dispute
