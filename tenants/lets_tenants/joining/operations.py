"""Who may vote, and joining: applications endorsing the constitution, approval, fees,
renewal and lapse (termination and appeal: ``joining.termination``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError

from lets_platform import clock
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.money import format_amount, parse_signed
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import check_handle, open_central_account
from lets_tenants.constitution.operations import current, rule
from lets_tenants.joining.models import Application, Fee, Standing
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import (
    AlreadyMember,
    HandleTaken,
    add_member,
    membership_of,
)


def _voting_members(scheme: Scheme) -> Select[Any]:
    """Active memberships not lapsed nor terminated (a member without a standing row joined
    before constitutions were kept, and is in good standing)."""
    return (
        select(Membership.id)
        .outerjoin(Standing, Standing.membership_id == Membership.id)
        .where(
            Membership.scheme_id == scheme.id,
            Membership.status == "active",
            (Standing.id.is_(None)) | (Standing.state == "active"),
        )
    )


def electorate(scheme: Scheme) -> int:
    """Members with a vote: one each, organisational members too (WES 10(b), Bright 9.5)."""
    return (
        db.session.scalar(select(func.count()).select_from(_voting_members(scheme).subquery())) or 0
    )


def has_vote(scheme: Scheme, membership: Membership) -> bool:
    return (
        db.session.scalar(_voting_members(scheme).where(Membership.id == membership.id)) is not None
    )


# --- Joining: application, approval, fees ---------------------------------------------

ApplicationNotFound = _error("application_not_found", 404, "No such application in this scheme.")
ApplicationDecided = _error("application_decided", 409, "The application was decided already.")
ApplicationPending = _error(
    "application_pending", 409, "You have an application to this scheme waiting already."
)
EndorsementStale = _error(
    "endorsement_stale",
    409,
    "An applicant endorses the constitution in force; it has changed since the form was shown.",
)
FeeNotFound = _error("fee_not_found", 404, "No such fee in this scheme.")
FeeNotDue = _error("fee_not_due", 409, "The fee is paid already.")
MembershipTerminated = _error(
    "membership_terminated", 409, "The membership is terminated: it is not renewed."
)

#: Days before a membership's renewal date that its renewal reminder goes out.
RENEWAL_REMINDER_DAYS = 30
#: The central account local-unit fees are paid into.
FEE_ACCOUNT = "fees"


def apply(
    scheme: Scheme,
    *,
    person: Person,
    handle: str,
    display_name: str,
    endorse_version: int,
    organisation: str | None = None,
) -> Application:
    """A person applies to join, endorsing the constitution version in force (WES
    3(b)(i), Bright 3.2(b)); ``organisation`` applies as its representative.

    Raises:
        endorsement_stale, already_member, application_pending, handle_invalid,
        handle_reserved, handle_taken, scheme_winding_up, scheme_not_open, pool_not_joinable.
    """
    from lets_tenants.membership.operations import _check_open

    _check_open(scheme, False)
    version = current(scheme)
    if endorse_version != version.number:
        raise EndorsementStale(
            f"The constitution in force is version {version.number}, not {endorse_version}.",
            current_version=version.number,
        )
    check_handle(handle, "handle")
    if membership_of(person, scheme) is not None:
        raise AlreadyMember(f"{person.email} is a member of {scheme.slug} already.")
    pending = select(Application).where(
        Application.scheme_id == scheme.id, Application.state == "pending"
    )
    if db.session.scalar(pending.where(Application.person_id == person.id)) is not None:
        raise ApplicationPending(f"{person.email} has an application to {scheme.slug} waiting.")
    taken = select(Account.id).where(Account.scheme_id == scheme.id, Account.name == handle)
    if db.session.scalar(taken) or db.session.scalar(pending.where(Application.handle == handle)):
        raise HandleTaken(f"{handle!r} is taken in {scheme.slug}.")
    application = Application(
        scheme_id=scheme.id,
        person_id=person.id,
        handle=handle,
        display_name=display_name.strip(),
        organisation=(organisation or "").strip() or None,
        constitution_version_id=version.id,
        endorsed_at=clock.now(),
    )
    db.session.add(application)
    db.session.flush()
    return application


def get_application(scheme: Scheme, application_id: int) -> Application:
    found = db.session.scalar(
        select(Application).where(
            Application.scheme_id == scheme.id, Application.id == application_id
        )
    )
    if found is None:
        raise ApplicationNotFound(f"There is no application {application_id} in {scheme.slug}.")
    return found


def list_applications(scheme: Scheme, state: str | None = None) -> list[Application]:
    query = select(Application).where(Application.scheme_id == scheme.id)
    if state:
        query = query.where(Application.state == state)
    return list(db.session.scalars(query.order_by(Application.id.desc())))


def approve(scheme: Scheme, application: Application, *, actor: Person | None) -> Membership:
    """The membership secretary approves: the membership, account and standing are made
    and the first period's fee is charged (one unit of work)."""
    db.session.refresh(application, with_for_update=True)  # decided once, however raced
    if application.state != "pending":
        raise ApplicationDecided(f"Application {application.id} is {application.state}.")
    person = db.session.get_one(Person, application.person_id)
    membership = add_member(
        scheme,
        email=person.email,
        display_name=application.display_name,
        handle=application.handle,
        actor=actor,
    )
    db.session.add(
        Standing(
            scheme_id=scheme.id,
            membership_id=membership.id,
            kind="organisation" if application.organisation else "individual",
            organisation=application.organisation,
            representative_id=person.id if application.organisation else None,
            constitution_version_id=application.constitution_version_id,
        )
    )
    application.state = "approved"
    application.decided_by_id = actor.id if actor else None
    application.decided_at = clock.now()
    application.membership_id = membership.id
    db.session.flush()
    charge_fees(scheme, membership, actor=actor)
    record(
        "application.approved",
        f"member:{membership.handle}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        constitution_version=application.constitution_version_id,
    )
    return membership


def reject(scheme: Scheme, application: Application, *, reason: str, actor: Person | None) -> None:
    db.session.refresh(application, with_for_update=True)
    if application.state != "pending":
        raise ApplicationDecided(f"Application {application.id} is {application.state}.")
    application.state = "rejected"
    application.reason = reason[:500]
    application.decided_by_id = actor.id if actor else None
    application.decided_at = clock.now()
    db.session.flush()


def standing_of(scheme: Scheme, membership: Membership) -> Standing:
    """The member's standing row, made (active, individual) for members from before; two
    transactions making it at once find the one that won."""
    query = select(Standing).where(Standing.membership_id == membership.id)
    found = db.session.scalar(query)
    if found is None:
        try:
            with db.session.begin_nested():
                found = Standing(scheme_id=scheme.id, membership_id=membership.id)
                db.session.add(found)
        except IntegrityError:  # made by a racing transaction, committed meanwhile
            found = db.session.scalars(query).one()
    return found


def charge_fees(scheme: Scheme, membership: Membership, *, actor: Person | None) -> list[Fee]:
    """Charge one period's fees and renew the membership to the period's end.

    Local units move by a ledger transfer from the member to the ``fees`` central account
    (opened when first needed); sterling is recorded as due until the treasurer records it
    paid. Fees are the committee's to set (WES 3(b), Bright 3.2).

    Raises:
        membership_terminated; the ledger's named errors (``exceeds_credit_limit``...):
        nothing is written.
    """
    standing = standing_of(scheme, membership)
    # Renewals of one member queue here: a period is charged once, however raced.
    db.session.execute(select(Standing.id).where(Standing.id == standing.id).with_for_update())
    db.session.refresh(standing)
    if standing.state == "terminated":
        raise MembershipTerminated(
            f"{membership.handle}'s membership is terminated; an appeal may restore it."
        )
    months = rule(scheme, "fee_period_months").value
    start = max(standing.paid_until or date.min, clock.now().date())
    end = _add_months(start, months) - timedelta(days=1)
    fees: list[Fee] = []
    local = parse_signed(rule(scheme, "fee_local").value or "0", scheme.currency_decimals)
    sterling = parse_signed(rule(scheme, "fee_sterling").value or "0", 2)
    common = {
        "scheme_id": scheme.id,
        "membership_id": membership.id,
        "period_start": start,
        "period_end": end,
        "recorded_by_id": actor.id if actor else None,
    }
    if local > 0:
        _fee_account(scheme, actor)
        moved = transfer(
            scheme,
            payer=membership.handle,
            payee=FEE_ACCOUNT,
            amount=format_amount(local, scheme.currency_decimals),
            memo=f"Membership fee {start} to {end}",
            entered_by=actor,
        )
        fees.append(
            Fee(
                currency="local",
                amount=local,
                state="paid",
                paid_at=clock.now(),
                transfer_id=moved.transfer.id,
                **common,
            )
        )
    if sterling > 0:
        fees.append(Fee(currency="sterling", amount=sterling, state="due", **common))
    db.session.add_all(fees)
    standing.paid_until = end
    standing.reminded_at = None
    if standing.state == "lapsed":
        standing.state = "active"
    db.session.flush()
    return fees


def _fee_account(scheme: Scheme, actor: Person | None) -> Account:
    found = db.session.scalar(
        select(Account).where(Account.scheme_id == scheme.id, Account.name == FEE_ACCOUNT)
    )
    return found or open_central_account(scheme, FEE_ACCOUNT, "Membership fees", actor=actor)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def fees_of(scheme: Scheme, membership: Membership | None = None) -> list[Fee]:
    query = select(Fee).where(Fee.scheme_id == scheme.id)
    if membership is not None:
        query = query.where(Fee.membership_id == membership.id)
    return list(db.session.scalars(query.order_by(Fee.id.desc())))


def get_fee(scheme: Scheme, fee_id: int) -> Fee:
    fee = db.session.scalar(select(Fee).where(Fee.scheme_id == scheme.id, Fee.id == fee_id))
    if fee is None:
        raise FeeNotFound(f"There is no fee {fee_id} in {scheme.slug}.")
    return fee


def record_sterling_paid(scheme: Scheme, fee_id: int, *, actor: Person | None) -> Fee:
    """The treasurer records a sterling fee received: once, by one conditional UPDATE, so
    a double click or two treasurers at once record it one time."""
    fee = get_fee(scheme, fee_id)
    claimed = db.session.execute(
        update(Fee)
        .where(Fee.id == fee.id, Fee.currency == "sterling", Fee.state == "due")
        .values(state="paid", paid_at=clock.now(), recorded_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise FeeNotDue(f"Fee {fee_id} is paid already.")
    db.session.refresh(fee)
    record(
        "fee.paid",
        f"member:{fee.membership.handle}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        fee=fee.id,
        amount=format_amount(fee.amount, 2),
    )
    return fee


def sweep_renewals() -> dict[str, int]:
    """Remind members whose renewal falls due within ``RENEWAL_REMINDER_DAYS`` (once per
    period), and lapse those past it: a lapsed member has no vote until they renew."""
    from lets_tenants.governance import notify

    today = clock.now().date()
    rows = db.session.scalars(
        select(Standing).where(Standing.state == "active", Standing.paid_until.is_not(None))
    ).all()
    counts = {"reminded": 0, "lapsed": 0}
    for standing in rows:
        assert standing.paid_until is not None
        if standing.paid_until < today:
            standing.state = "lapsed"
            counts["lapsed"] += 1
        elif standing.reminded_at is None and (standing.paid_until - today).days <= (
            RENEWAL_REMINDER_DAYS
        ):
            scheme = db.session.get_one(Scheme, standing.scheme_id)
            member = standing.membership
            notify.queue(
                member.person.email,
                f"{scheme.name}: please renew your membership by {standing.paid_until:%d %B %Y}",
                f"Dear {member.display_name},\n\nYour membership of {scheme.name} runs until "
                f"{standing.paid_until:%d %B %Y}. Renew it from your membership page; after "
                "that date it lapses and you have no vote until you renew.\n",
                scheme_id=scheme.id,
            )
            standing.reminded_at = clock.now()
            counts["reminded"] += 1
    db.session.flush()
    return counts
