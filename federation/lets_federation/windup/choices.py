"""Members' choices of where their balance goes when their scheme winds up.

A member chooses for themselves (online); an organiser records a choice a member made on
paper. The destination is an active scheme other than the one winding up, where the
member is a member (their handle there is kept) or will become one at the migration
(under the handle they ask for, which must be free there now), or the regional pool.
Members who make no choice go to the pool under their own handle. A choice can be
changed until the migration starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lets_federation.windup.models import WindUp, WindUpChoice
from lets_federation.windup.operations import get_wind_up
from lets_platform import clock, permissions
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import check_handle, check_name
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import (
    AlreadyMember,
    HandleTaken,
    MemberNotFound,
    get_member,
    membership_of,
)

POOL = "pool"

ChoicesClosed = _error(
    "choices_closed", 409, "The migration has started; choices can no longer change."
)
DestinationNotFound = _error("destination_not_found", 422, "No scheme has this slug.")
DestinationInvalid = _error(
    "destination_invalid",
    422,
    "The destination must be another active scheme, or the regional pool of this network.",
)


@dataclass(frozen=True)
class Destination:
    scheme: Scheme
    #: The member's handle there, and whether the migration must create the membership.
    handle: str
    creates_membership: bool


def choose(
    scheme: Scheme,
    *,
    actor: Person | None,
    destination: str,
    member: str | None = None,
    handle: str | None = None,
) -> WindUpChoice:
    """Record (or change) where ``member``'s balance goes; ``member`` defaults to the actor.

    ``actor`` None is the operator at the shell (the national body): a choice on paper.

    Raises:
        wind_up_not_found, choices_closed, member_not_found, not_permitted,
        destination_not_found, destination_invalid, validation_failed (handle),
        already_member (a handle asked for where they have one), handle_taken.
    """
    wind_up = get_wind_up(scheme)
    if wind_up.state != "repayment":
        raise ChoicesClosed(f"The wind-up of {scheme.slug} is {wind_up.state}.")
    membership = _member(scheme, actor, member)
    on_paper = actor is None or membership.person_id != actor.id
    if actor is not None:
        action = "windup.choose_on_behalf" if on_paper else "windup.choose_own"
        permissions.require(actor, action, scheme.id)
    target = resolve(wind_up, membership, destination, handle)
    choice = _save(wind_up, membership, target, actor, "paper" if on_paper else "online")
    record(
        "wind_up.choice",
        f"member:{membership.handle}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        destination=target.scheme.slug,
        handle=target.handle,
        channel=choice.channel,
    )
    return choice


def _member(scheme: Scheme, actor: Person | None, handle: str | None) -> Membership:
    if handle is not None:
        return get_member(scheme, handle)
    own = None if actor is None else membership_of(actor, scheme)
    if own is None:
        raise MemberNotFound(f"You are not a member of {scheme.slug}; name the member.")
    return own


def resolve(
    wind_up: WindUp, membership: Membership, destination: str, handle: str | None
) -> Destination:
    """Where ``destination`` ("pool" or a scheme's slug) puts the member, and under which
    handle; refuses a destination or handle that cannot take them."""
    target = _destination(wind_up, destination)
    scope.allow(target.id)
    there = membership_of(membership.person, target)
    if there is not None:
        if handle is not None and handle != there.handle:
            raise AlreadyMember(f"You are {target.slug}/{there.handle} already; omit the handle.")
        return Destination(target, there.handle, False)
    # a handle asked for must be free of the hub's names; one's own handle moves as it is
    wanted = check_name(membership.handle) if handle is None else check_handle(handle)
    if _handle_taken(target, wanted, membership):
        raise HandleTaken(
            f"{wanted!r} is taken in {target.slug}; choose another handle for it.",
            handle=wanted,
        )
    return Destination(target, wanted, True)


def _destination(wind_up: WindUp, slug: str) -> Scheme:
    if slug == POOL:
        return wind_up.pool
    target = db.session.scalar(select(Scheme).where(Scheme.slug == slug))
    if target is None:
        raise DestinationNotFound(f"There is no scheme {slug!r}.")
    if target.id == wind_up.pool_id:
        return target
    if target.id == wind_up.scheme_id:
        raise DestinationInvalid(f"{slug} is the scheme being wound up.")
    if target.kind == "pool":
        raise DestinationInvalid(f"{slug} is another network's pool; choose {POOL!r}.")
    if target.status != "active":
        raise DestinationInvalid(f"{slug} is {target.status} and takes no new accounts.")
    return target


def _handle_taken(target: Scheme, handle: str, membership: Membership) -> bool:
    """Whether an account there has the name, or another member (of this or another
    wind-up) is bound for it under the same handle (choices into a scheme are visible in
    its scope; once migrated, the account itself holds the name)."""
    account = select(Account.id).where(Account.scheme_id == target.id, Account.name == handle)
    if db.session.scalar(account) is not None:
        return True
    reserved = select(WindUpChoice.id).where(
        WindUpChoice.destination_id == target.id,
        WindUpChoice.destination_handle == handle,
        WindUpChoice.creates_membership.is_(True),
        WindUpChoice.membership_id != membership.id,
    )
    return db.session.scalar(reserved.limit(1)) is not None


def _save(
    wind_up: WindUp,
    membership: Membership,
    target: Destination,
    actor: Person | None,
    channel: str,
) -> WindUpChoice:
    fields = {
        "destination_id": target.scheme.id,
        "destination_handle": target.handle,
        "creates_membership": target.creates_membership,
        "channel": channel,
        "entered_by_id": actor.id if actor else None,
        "chosen_at": clock.now(),
    }
    choice = _existing(wind_up, membership)
    if choice is None:
        try:
            with db.session.begin_nested():
                choice = WindUpChoice(
                    wind_up_id=wind_up.id,
                    scheme_id=wind_up.scheme_id,
                    membership_id=membership.id,
                    **fields,
                )
                db.session.add(choice)
            return choice
        except IntegrityError:  # a concurrent choice for the member came first: change it
            choice = _existing(wind_up, membership)
            assert choice is not None
    for name, value in fields.items():
        setattr(choice, name, value)
    db.session.flush()
    return choice


def _existing(wind_up: WindUp, membership: Membership) -> WindUpChoice | None:
    return db.session.scalar(
        select(WindUpChoice).where(
            WindUpChoice.wind_up_id == wind_up.id, WindUpChoice.membership_id == membership.id
        )
    )


@dataclass(frozen=True)
class Row:
    """One member's destination as the migration will use it: chosen, or the default."""

    membership: Membership
    balance: int
    destination: Scheme
    handle: str
    creates_membership: bool
    choice: WindUpChoice | None


def destinations(wind_up: WindUp) -> list[Row]:
    """Every active member of the scheme with their choice, or the pool by default."""
    rows = db.session.execute(
        select(Membership, Account.balance, WindUpChoice)
        .join(Account, Account.membership_id == Membership.id)
        .outerjoin(
            WindUpChoice,
            (WindUpChoice.membership_id == Membership.id) & (WindUpChoice.wind_up_id == wind_up.id),
        )
        .where(Membership.scheme_id == wind_up.scheme_id, Membership.status == "active")
        .order_by(Membership.handle)
    )
    in_pool = set(
        db.session.scalars(
            select(Membership.person_id).where(Membership.scheme_id == wind_up.pool_id)
        )
    )
    return [_row(wind_up, m, balance, choice, in_pool) for m, balance, choice in rows]


def _row(
    wind_up: WindUp, m: Membership, balance: int, choice: WindUpChoice | None, in_pool: set[int]
) -> Row:
    if choice is not None:
        return Row(
            m,
            balance,
            choice.destination,
            choice.destination_handle,
            choice.creates_membership,
            choice,
        )
    return Row(m, balance, wind_up.pool, m.handle, m.person_id not in in_pool, None)
