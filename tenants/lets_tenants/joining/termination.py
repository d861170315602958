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
from lets_tenants.governance import notify
from lets_tenants.governance.committee import committee_members, holders
from lets_tenants.joining.models import Standing, Termination
from lets_tenants.joining.operations import standing_of
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import get_member

TerminationNotFound = _error("termination_not_found", 404, "No such termination in this scheme.")
TerminationNotAllowed = _error(
    "termination_not_allowed", 409, "The constitution does not let the hub terminate this."
)
AppealInvalid = _error("appeal_invalid", 409, "This appeal cannot be made or decided now.")


def terminate(scheme: Scheme, handle: str, *, reason: str, actor: Person | None) -> Termination:
    """The committee terminates a membership for a serious breach (WES 3(d)); the member's
    balance follows the constitution's ``terminated_balance`` rule (the texts are silent:
    the account is suspended with its balance until settled). The member is told why and
    to whom they may appeal.

    Raises:
        termination_not_allowed (no one may terminate, or terminated already),
        validation_failed (no breach named), member_not_found.
    """
    by = rule(scheme, "termination_by")
    if by.value != "committee":
        raise TerminationNotAllowed(f"The constitution names no one to terminate ({by.cite()}).")
    if not reason.strip():
        raise ValidationFailed("Name the breach.", errors={"reason": ["required"]})
    membership = get_member(scheme, handle)
    standing = standing_of(scheme, membership)
    # Two committee members terminating at once: the second waits here, then is refused.
    db.session.execute(select(Standing.id).where(Standing.id == standing.id).with_for_update())
    db.session.refresh(standing)
    if standing.state == "terminated":
        raise TerminationNotAllowed(f"{handle} is terminated already.")
    standing.state = "terminated"
    if rule(scheme, "terminated_balance").value == "suspended_until_settled":
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
    appeal_to = rule(scheme, "appeal_to")
    notify.queue(
        membership.person.email,
        f"{scheme.name}: your membership is terminated",
        f"Dear {membership.display_name},\n\nThe committee of {scheme.name} has terminated "
        f"your membership{f' under clause {by.clause}' if by.clause else ''} for this "
        f"breach:\n\n  {termination.reason}\n\n"
        "Your account is suspended with its balance until it is settled. You may appeal to "
        f"{appeal_to.value or 'the mediation group'}: sign in and open your membership's "
        "termination page.\n",
        scheme_id=scheme.id,
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
    """The member appeals to the mediation group (WES 3(d)); once. The mediators are told
    (the committee, while no one is appointed to the group)."""
    if termination.membership.person_id != actor.id:
        raise AppealInvalid("Only the member whose membership was terminated appeals.")
    if not text.strip():
        raise ValidationFailed("Say why.", errors={"appeal": ["required"]})
    _lock(termination)  # appealed once, however raced
    if termination.appealed_at is not None:
        raise AppealInvalid("The termination was appealed already.")
    termination.appeal, termination.appealed_at = text.strip(), clock.now()
    db.session.flush()
    member = termination.membership
    record(
        "member.appealed",
        f"member:{member.handle}",
        actor_id=actor.id,
        scheme_id=scheme.id,
    )
    for told in mediators(scheme) or committee_members(scheme):
        notify.queue(
            told.person.email,
            f"{scheme.name}: an appeal against a termination is waiting",
            f"Dear {told.display_name},\n\n{member.display_name} ({member.handle}) appeals "
            f"against the termination of their membership:\n\n  {termination.appeal}\n\n"
            "The mediation group hears it and records its decision on the terminations "
            "page.\n",
            scheme_id=scheme.id,
        )
    return termination


def _lock(termination: Termination) -> None:
    """Hold the termination's row to the end of the transaction and read it afresh (its
    own row only: PostgreSQL locks no outer-joined relation)."""
    db.session.execute(
        select(Termination.id).where(Termination.id == termination.id).with_for_update()
    )
    db.session.refresh(termination)


def mediators(scheme: Scheme) -> list[Membership]:
    """The mediation group: the members holding the mediator role."""
    return holders(scheme, {"mediator"})


def decide_appeal(
    scheme: Scheme, termination: Termination, *, outcome: str, note: str, actor: Person | None
) -> Termination:
    """The mediation group's decision, recorded once: ``upheld`` (the termination stands)
    or ``overturned`` (membership and account restored). The member is told."""
    if outcome not in ("upheld", "overturned"):
        raise ValidationFailed("outcome is upheld or overturned.", errors={"outcome": ["invalid"]})
    _lock(termination)  # decided once, however raced
    if termination.appealed_at is None or termination.appeal_outcome is not None:
        raise AppealInvalid("There is no appeal waiting for a decision.")
    termination.appeal_outcome = outcome
    termination.appeal_note = note.strip()
    termination.appeal_decided_by_id = actor.id if actor else None
    termination.appeal_decided_at = clock.now()
    member = termination.membership
    if outcome == "overturned":
        standing_of(scheme, member).state = "active"
        change_account(scheme, member.handle, actor=actor, status="active")
    db.session.flush()
    record(
        "member.appeal_decided",
        f"member:{member.handle}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        outcome=outcome,
    )
    stands = (
        "Your membership is restored and your account is open again."
        if outcome == "overturned"
        else "The termination stands."
    )
    notify.queue(
        member.person.email,
        f"{scheme.name}: the mediation group has decided your appeal",
        f"Dear {member.display_name},\n\nThe mediation group of {scheme.name} has decided "
        f"your appeal. {stands}\n" + (f"\n  {termination.appeal_note}\n" if note.strip() else ""),
        scheme_id=scheme.id,
    )
    return termination
