"""Where each balance goes, and the account that receives it there.

A member goes to the scheme they chose (a wind-up's choice), the regional pool by
default, or the scheme merged into; their membership there is created if missing, with
the ``member`` role only (roles are not carried over). A central account's balance goes
to a central account named ``<closing slug>-<name>`` in the pool (or the scheme merged
into), opened if missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import add_member

#: Longest account name the ledger allows.
MAX_NAME = 40


@dataclass(frozen=True)
class Destination:
    scheme_id: int
    #: The handle (or central account's name) wanted there; a taken one gets a suffix.
    name: str


def central_name(source: Scheme, account: Account) -> str:
    return f"{source.slug}-{account.name}"[:MAX_NAME]


def destination_account(source: Scheme, account: Account, dest: Scheme, name: str) -> Account:
    """The account at ``dest`` that receives ``account``'s balance, created if missing."""
    if account.kind != "member":
        return _central(source, account, dest, name)
    membership = account.membership
    if membership is None:
        raise LookupError(f"member account {account.name} has no membership")
    mine = db.session.scalar(
        select(Account)
        .join(Membership, Membership.id == Account.membership_id)
        .where(Membership.scheme_id == dest.id, Membership.person_id == membership.person_id)
    )
    if mine is not None:
        return mine
    joined = add_member(
        dest,
        email=membership.person.email,
        display_name=membership.display_name,
        handle=_free(dest, name),
        actor=None,
        by_migration=True,
    )
    return db.session.get_one(Account, _account_id(joined))


def _central(source: Scheme, account: Account, dest: Scheme, name: str) -> Account:
    found = db.session.scalar(
        select(Account).where(Account.scheme_id == dest.id, Account.name == name)
    )
    if found is not None:
        return found
    return open_central_account(dest, name, f"{source.name}: {account.title}"[:120], actor=None)


def _free(dest: Scheme, wanted: str) -> str:
    """``wanted`` if no account of ``dest`` has that name, else ``wanted-2``, ``-3``..."""
    taken = set(
        db.session.scalars(
            select(Account.name).where(
                Account.scheme_id == dest.id, Account.name.startswith(wanted[: MAX_NAME - 4])
            )
        )
    )
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = wanted[: MAX_NAME - len(suffix)] + suffix
    return candidate


def _account_id(membership: Membership) -> int:
    return int(
        db.session.scalar(select(Account.id).where(Account.membership_id == membership.id)) or 0
    )


def close_wind_up(wind_up_id: int) -> None:
    """Record the wind-up as closed (its scheme's balances have all moved)."""
    from lets_federation.windup.models import WindUp
    from lets_federation.windup.operations import finish

    wind_up = db.session.get(WindUp, wind_up_id)
    if wind_up is not None:
        finish(wind_up)
