"""Committee budgets and members' claims against them, paid only as the constitution
allows: wages after the committee's approval (WES 11(f), Bright 10.4), attending meetings
only when the whole committee authorised it (WES 11(h), Bright 10.5), never beyond the
budget (WES 11(e): no payment that cannot be met)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lets_platform import clock
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.money import format_amount, parse_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import get_account
from lets_tenants.claims.models import Budget, Claim, ClaimApproval
from lets_tenants.constitution.operations import rule
from lets_tenants.governance.committee import committee_members
from lets_tenants.ledger.models import Transfer
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.operations import membership_of

BudgetNotFound = _error("budget_not_found", 404, "No such budget in this scheme.")
BudgetAccountInvalid = _error(
    "budget_account_invalid", 422, "A budget is kept on one of the scheme's central accounts."
)
ClaimNotFound = _error("claim_not_found", 404, "No such claim in this scheme.")
ClaimNotApproved = _error(
    "claim_not_approved", 409, "A claim is paid only after the approval the constitution requires."
)
MeetingPayNotAuthorised = _error(
    "meeting_pay_not_authorised",
    409,
    "No member is paid to attend meetings unless the whole committee authorised it.",
)
ClaimWrongState = _error("claim_wrong_state", 409, "The claim is not in a state that allows this.")
ExceedsBudget = _error("exceeds_budget", 422, "The payment would go beyond the budget.")
BudgetPeriodOver = _error("budget_period_over", 409, "The budget's period does not cover today.")
AlreadyApproved = _error("already_approved", 409, "You have approved this claim already.")
NotAMember = _error("not_a_member", 403, "Only members of the scheme submit claims.")

KINDS = ("wage", "meeting_attendance")


def create_budget(
    scheme: Scheme,
    *,
    account: str,
    purpose: str,
    amount: str,
    period_start: date,
    period_end: date,
    actor: Person | None,
) -> Budget:
    """A budget in local units on a central account, for a period (WES 11(g))."""
    found = get_account(scheme, account)
    if found.kind != "central":
        raise BudgetAccountInvalid(f"{account!r} is not a central account.")
    if period_end < period_start:
        raise ValidationFailed("The period ends after it starts.", errors={"period_end": ["early"]})
    budget = Budget(
        scheme_id=scheme.id,
        account_id=found.id,
        purpose=purpose.strip(),
        amount=parse_amount(amount, scheme.currency_decimals),
        period_start=period_start,
        period_end=period_end,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(budget)
    db.session.flush()
    return budget


def get_budget(scheme: Scheme, budget_id: int) -> Budget:
    found = db.session.scalar(
        select(Budget).where(Budget.scheme_id == scheme.id, Budget.id == budget_id)
    )
    if found is None:
        raise BudgetNotFound(f"There is no budget {budget_id} in {scheme.slug}.")
    return found


def list_budgets(scheme: Scheme) -> list[Budget]:
    return list(
        db.session.scalars(
            select(Budget).where(Budget.scheme_id == scheme.id).order_by(Budget.period_start)
        )
    )


def spent(budget: Budget) -> int:
    """What the budget's account paid out (posted) in the budget's period."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(Transfer.amount), 0)).where(
                Transfer.scheme_id == budget.scheme_id,
                Transfer.payer_id == budget.account_id,
                Transfer.state == "posted",
                func.date(Transfer.created_at) >= budget.period_start,
                func.date(Transfer.created_at) <= budget.period_end,
            )
        )
        or 0
    )


def submit(
    scheme: Scheme, *, budget: int, kind: str, amount: str, description: str, actor: Person
) -> Claim:
    """A member claims wages for administrative work, or payment for attending meetings
    (refused at once where the constitution never allows it)."""
    found = get_budget(scheme, budget)
    membership = membership_of(actor, scheme)
    if membership is None:
        raise NotAMember(f"Only members of {scheme.slug} submit claims.")
    if kind not in KINDS:
        raise ValidationFailed("kind is wage or meeting_attendance.", errors={"kind": ["invalid"]})
    paid_for_meetings = rule(scheme, "paid_for_meetings")
    if kind == "meeting_attendance" and paid_for_meetings.value == "never":
        raise MeetingPayNotAuthorised(
            f"No member is paid to attend meetings ({paid_for_meetings.cite()}).",
            clause=paid_for_meetings.clause,
        )
    if not description.strip():
        raise ValidationFailed("Describe the work.", errors={"description": ["required"]})
    claim = Claim(
        scheme_id=scheme.id,
        membership_id=membership.id,
        budget_id=found.id,
        kind=kind,
        amount=parse_amount(amount, scheme.currency_decimals),
        description=description.strip(),
        submitted_at=clock.now(),
    )
    db.session.add(claim)
    db.session.flush()
    return claim


def get_claim(scheme: Scheme, claim_id: int) -> Claim:
    found = db.session.scalar(
        select(Claim).where(Claim.scheme_id == scheme.id, Claim.id == claim_id)
    )
    if found is None:
        raise ClaimNotFound(f"There is no claim {claim_id} in {scheme.slug}.")
    return found


def list_claims(scheme: Scheme, person: Person | None = None) -> list[Claim]:
    query = select(Claim).where(Claim.scheme_id == scheme.id)
    if person is not None:
        membership = membership_of(person, scheme)
        query = query.where(Claim.membership_id == (membership.id if membership else -1))
    return list(db.session.scalars(query.order_by(Claim.id.desc())))


def approvals(claim: Claim) -> set[int]:
    return set(
        db.session.scalars(
            select(ClaimApproval.person_id).where(ClaimApproval.claim_id == claim.id)
        )
    )


def approve(scheme: Scheme, claim: Claim, *, actor: Person) -> Claim:
    """A committee member approves. A wage claim is approved by the committee's approval;
    payment for attending meetings only once every serving committee member has."""
    _lock(claim)
    if claim.state != "submitted":
        raise ClaimWrongState(f"Claim {claim.id} is {claim.state}.")
    try:
        with db.session.begin_nested():
            db.session.add(
                ClaimApproval(
                    scheme_id=scheme.id,
                    claim_id=claim.id,
                    person_id=actor.id,
                    approved_at=clock.now(),
                )
            )
    except IntegrityError:
        raise AlreadyApproved("You have approved this claim already.") from None
    if _authorised(scheme, claim):
        claim.state = "approved"
        claim.decided_at = clock.now()
    db.session.flush()
    return claim


def _lock(claim: Claim) -> None:
    """Decisions on one claim queue on its row: it is paid once, and the approval that
    completes the committee's sees every other."""
    db.session.execute(select(Claim.id).where(Claim.id == claim.id).with_for_update())
    db.session.refresh(claim)


def _authorised(scheme: Scheme, claim: Claim) -> bool:
    given = approvals(claim)
    if claim.kind == "meeting_attendance":
        committee = {m.person_id for m in committee_members(scheme)}
        return bool(committee) and committee <= given
    return bool(given) or rule(scheme, "wage_claims_approval").value == "none"


def reject(scheme: Scheme, claim: Claim, *, actor: Person | None) -> Claim:
    _lock(claim)
    if claim.state not in ("submitted", "approved"):
        raise ClaimWrongState(f"Claim {claim.id} is {claim.state}.")
    claim.state, claim.decided_at = "rejected", clock.now()
    db.session.flush()
    return claim


def pay(scheme: Scheme, claim: Claim, *, actor: Person | None) -> Claim:
    """Pay an approved claim from its budget's account to the member, by one ledger
    transfer; never beyond the budget nor outside its period.

    Raises:
        claim_not_approved (WES 11(f), Bright 10.4), meeting_pay_not_authorised (WES 11(h),
        Bright 10.5, with how many of the committee authorised), claim_wrong_state,
        budget_period_over, exceeds_budget, then the ledger's own errors.
    """
    _lock(claim)
    if claim.state in ("paid", "rejected"):
        raise ClaimWrongState(f"Claim {claim.id} is {claim.state}.")
    if claim.state != "approved":
        _refuse_unapproved(scheme, claim)
    budget = claim.budget
    today = clock.now().date()
    if not budget.period_start <= today <= budget.period_end:
        raise BudgetPeriodOver(
            f"The budget runs {budget.period_start} to {budget.period_end}.",
        )
    left = budget.amount - spent(budget)
    if claim.amount > left:
        d = scheme.currency_decimals
        raise ExceedsBudget(
            f"The budget has {format_amount(left, d)} left; the claim is "
            f"{format_amount(claim.amount, d)}.",
            left=format_amount(left, d),
        )
    account = db.session.get_one(Account, budget.account_id)
    moved = transfer(
        scheme,
        payer=account.name,
        payee=claim.membership.handle,
        amount=format_amount(claim.amount, scheme.currency_decimals),
        memo=f"Claim {claim.id}: {claim.description}"[:200],
        entered_by=actor,
    )
    claim.state, claim.transfer_id = "paid", moved.transfer.id
    db.session.flush()
    record(
        "claim.paid",
        f"claim:{claim.id}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        kind=claim.kind,
    )
    return claim


def _refuse_unapproved(scheme: Scheme, claim: Claim) -> None:
    if claim.kind == "meeting_attendance":
        found = rule(scheme, "paid_for_meetings")
        committee = {m.person_id for m in committee_members(scheme)}
        given = len(approvals(claim) & committee)
        raise MeetingPayNotAuthorised(
            f"Payment for attending meetings needs the whole committee's authorisation "
            f"({found.cite()}); {given} of {len(committee)} have given it.",
            clause=found.clause,
            authorised=given,
            committee=len(committee),
        )
    found = rule(scheme, "wage_claims_approval")
    raise ClaimNotApproved(
        f"A wage claim is paid after the committee approves it ({found.cite()}).",
        clause=found.clause,
    )
