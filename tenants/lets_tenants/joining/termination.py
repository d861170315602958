"""Termination of a membership by the committee for a serious breach (WES 3(d)), and the
member's appeal to the mediation group, whose decision is recorded."""

from __future__ import annotations

from sqlalchemy import select

from lets_platform import clock
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.operations import change_account
from lets_tenants.constitution.operations import rule
from lets_tenants.joining.models import Termination
from lets_tenants.joining.operations import standing_of
from lets_tenants.membership.operations import get_member

TerminationNotFound = _error("termination_not_found", 404, "No such termination in this scheme.")
TerminationNotAllowed = _error(
    "termination_not_allowed", 409, "The constitution does not let the hub terminate this."
)
AppealInvalid = _error("appeal_invalid", 409, "This appeal cannot be made or decided now.")


def terminate(scheme: Scheme, handle: str, *, reason: str, actor: Person | None) -> Termination:
    """The committee terminates a membership for a serious breach (WES 3(d)); the member's
    account is suspended with its balance until settled (the texts are silent on it)."""
    by = rule(scheme, "termination_by")
    if by.value != "committee":
        raise TerminationNotAllowed(f"The constitution names no one to terminate ({by.cite()}).")
    if not reason.strip():
        raise ValidationFailed("Name the breach.", errors={"reason": ["required"]})
    membership = get_member(scheme, handle)
    standing = standing_of(scheme, membership)
    if standing.state == "terminated":
        raise TerminationNotAllowed(f"{handle} is terminated already.")
    standing.state = "terminated"
    change_account(scheme, handle, actor=actor, status="suspended")
    termination = Termination(
        scheme_id=scheme.id,
        membership_id=membership.id,
        reason=reason.strip(),
        clause=by.clause,
        decided_by_id=actor.id if actor else None,
        decided_at=clock.now(),
    )
    db.session.add(termination)
    db.session.flush()
    record(
        "member.terminated",
        f"member:{handle}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        clause=by.clause,
    )
    return termination


def get_termination(scheme: Scheme, termination_id: int) -> Termination:
    found = db.session.scalar(
        select(Termination).where(
            Termination.scheme_id == scheme.id, Termination.id == termination_id
        )
    )
    if found is None:
        raise TerminationNotFound(f"There is no termination {termination_id} in {scheme.slug}.")
    return found


def list_terminations(scheme: Scheme) -> list[Termination]:
    return list(
        db.session.scalars(
            select(Termination)
            .where(Termination.scheme_id == scheme.id)
            .order_by(Termination.id.desc())
        )
    )


def appeal(scheme: Scheme, termination: Termination, *, text: str, actor: Person) -> Termination:
    """The member appeals to the mediation group (WES 3(d)); once."""
    if termination.membership.person_id != actor.id:
        raise AppealInvalid("Only the member whose membership was terminated appeals.")
    if termination.appealed_at is not None:
        raise AppealInvalid("The termination was appealed already.")
    if not text.strip():
        raise ValidationFailed("Say why.", errors={"appeal": ["required"]})
    termination.appeal, termination.appealed_at = text.strip(), clock.now()
    db.session.flush()
    return termination


def decide_appeal(
    scheme: Scheme, termination: Termination, *, outcome: str, note: str, actor: Person | None
) -> Termination:
    """The mediation group's decision, recorded: ``upheld`` (the termination stands) or
    ``overturned`` (membership and account restored)."""
    if termination.appealed_at is None or termination.appeal_outcome is not None:
        raise AppealInvalid("There is no appeal waiting for a decision.")
    if outcome not in ("upheld", "overturned"):
        raise ValidationFailed("outcome is upheld or overturned.", errors={"outcome": ["invalid"]})
    termination.appeal_outcome = outcome
    termination.appeal_note = note.strip()
    termination.appeal_decided_by_id = actor.id if actor else None
    termination.appeal_decided_at = clock.now()
    if outcome == "overturned":
        standing_of(scheme, termination.membership).state = "active"
        change_account(scheme, termination.membership.handle, actor=actor, status="active")
    db.session.flush()
    record(
        "member.appeal_decided",
        f"member:{termination.membership.handle}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        outcome=outcome,
    )
    return termination
