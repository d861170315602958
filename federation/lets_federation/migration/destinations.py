"""Where each balance goes, and the accounts that receive them there, found or opened for
a whole batch at once.

A member goes to the scheme they chose (a wind-up's choice), the regional pool by
default, or the scheme merged into; their membership there is created if missing, with
the ``member`` role only (roles are not carried over) and the scheme's default limits. A
central account's balance goes to a central account named ``<closing slug>-<name>`` in
the pool (or the scheme merged into), opened if missing. A taken handle gets a suffix.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import insert, select

from lets_federation.migration.models import MigrationItem
from lets_platform.db import db, utcnow
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import SYSTEM_NAMES
from lets_tenants.membership.models import Membership

#: Longest account name the ledger allows.
MAX_NAME = 40


@dataclass(frozen=True)
class Destination:
    scheme_id: int
    #: The handle (or central account's name) wanted there; a taken one gets a suffix.
    name: str


@dataclass(frozen=True)
class Arrival:
    account_id: int
    name: str


def central_name(source: Scheme, account: Account) -> str:
    return f"{source.slug}-{account.name}"[:MAX_NAME]


def arrivals(source: Scheme, items: list[MigrationItem]) -> dict[int, Arrival]:
    """The receiving account of each item (by item id), opening what is missing."""
    found: dict[int, Arrival] = {}
    members = [i for i in items if i.kind == "member"]
    centrals = [i for i in items if i.kind != "member"]
    if members:
        found.update(_members(members))
    if centrals:
        found.update(_centrals(source, centrals))
    return found


def _members(items: list[MigrationItem]) -> dict[int, Arrival]:
    who = {
        account_id: (person_id, display_name, email)
        for account_id, person_id, display_name, email in db.session.execute(
            select(Account.id, Membership.person_id, Membership.display_name, Person.email)
            .join(Membership, Membership.id == Account.membership_id)
            .join(Person, Person.id == Membership.person_id)
            .where(Account.id.in_([i.account_id for i in items]))
        )
    }
    there = {
        (scheme_id, person_id): Arrival(account_id, name)
        for scheme_id, person_id, account_id, name in db.session.execute(
            select(Membership.scheme_id, Membership.person_id, Account.id, Account.name)
            .join(Account, Account.membership_id == Membership.id)
            .where(
                Membership.person_id.in_([p for p, _, _ in who.values()]),
                Membership.scheme_id.in_({i.dest_scheme_id for i in items}),
            )
        )
    }
    result: dict[int, Arrival] = {}
    missing: list[MigrationItem] = []
    for item in items:
        person_id = who[item.account_id][0]
        if (item.dest_scheme_id, person_id) in there:
            result[item.id] = there[(item.dest_scheme_id, person_id)]
        else:
            missing.append(item)
    if missing:
        result.update(_join(missing, who))
    return result


def _join(
    items: list[MigrationItem], who: dict[int, tuple[int, str, str | None]]
) -> dict[int, Arrival]:
    """Create the memberships, member accounts and ``member`` roles the items need."""
    names = _free_names(items)
    schemes = {
        s.id: s
        for s in db.session.scalars(
            select(Scheme).where(Scheme.id.in_({i.dest_scheme_id for i in items}))
        )
    }
    now = utcnow()
    joined = (
        db.session.execute(
            insert(Membership).returning(Membership.id, sort_by_parameter_order=True),
            [
                {
                    "scheme_id": i.dest_scheme_id,
                    "person_id": who[i.account_id][0],
                    "handle": names[i.id],
                    "display_name": who[i.account_id][1],
                    "status": "active",
                    "joined_at": now,
                }
                for i in items
            ],
        )
        .scalars()
        .all()
    )
    opened = (
        db.session.execute(
            insert(Account).returning(Account.id, sort_by_parameter_order=True),
            [
                {
                    "scheme_id": i.dest_scheme_id,
                    "name": names[i.id],
                    "kind": "member",
                    "title": who[i.account_id][1],
                    "membership_id": membership_id,
                    "min_balance": schemes[i.dest_scheme_id].default_min_balance,
                    "max_balance": schemes[i.dest_scheme_id].default_max_balance,
                    "created_at": now,
                }
                for i, membership_id in zip(items, joined, strict=True)
            ],
        )
        .scalars()
        .all()
    )
    db.session.execute(
        insert(RoleGrant),
        [
            {
                "person_id": who[i.account_id][0],
                "scheme_id": i.dest_scheme_id,
                "role": "member",
                "granted_at": now,
            }
            for i in items
        ],
    )
    return {i.id: Arrival(a, names[i.id]) for i, a in zip(items, opened, strict=True)}


def _free_names(items: list[MigrationItem]) -> dict[int, str]:
    """Each item's wanted name at its destination, or ``name-2``, ``-3``... if taken."""
    by_scheme: dict[int, list[MigrationItem]] = defaultdict(list)
    for item in items:
        by_scheme[item.dest_scheme_id].append(item)
    names: dict[int, str] = {}
    for scheme_id, wanted in by_scheme.items():
        taken = set(
            db.session.scalars(
                select(Account.name).where(
                    Account.scheme_id == scheme_id, Account.name.in_([i.dest_name for i in wanted])
                )
            )
        )
        taken |= SYSTEM_NAMES  # never a handle the hub gives its own accounts
        for item in wanted:
            name = item.dest_name if item.dest_name not in taken else _suffixed(scheme_id, item)
            taken.add(name)
            names[item.id] = name
    return names


def _suffixed(scheme_id: int, item: MigrationItem) -> str:
    stem = item.dest_name[: MAX_NAME - 4]
    taken = set(
        db.session.scalars(
            select(Account.name).where(
                Account.scheme_id == scheme_id, Account.name.startswith(stem)
            )
        )
    )
    n = 2
    while (candidate := f"{item.dest_name[: MAX_NAME - len(str(n)) - 1]}-{n}") in taken:
        n += 1
    return candidate


def _centrals(source: Scheme, items: list[MigrationItem]) -> dict[int, Arrival]:
    result: dict[int, Arrival] = {}
    titles = dict(
        db.session.execute(
            select(Account.id, Account.title).where(Account.id.in_([i.account_id for i in items]))
        ).all()
    )
    for item in items:
        held = db.session.execute(
            select(Account.id, Account.kind).where(
                Account.scheme_id == item.dest_scheme_id, Account.name == item.dest_name
            )
        ).first()
        # a central balance goes only to a central account: never to a member's that took
        # the name before it was reserved (``accounts.operations.reserved``)
        found = held.id if held is not None and held.kind == "central" else None
        name = (
            item.dest_name
            if held is None or found is not None
            else _suffixed(item.dest_scheme_id, item)
        )
        if found is None:
            account = Account(
                scheme_id=item.dest_scheme_id,
                name=name,
                kind="central",
                title=f"{source.name}: {titles[item.account_id]}"[:120],
                min_balance=0,
            )
            db.session.add(account)
            db.session.flush()
            found = account.id
        result[item.id] = Arrival(found, name)
    return result


def close_wind_up(wind_up_id: int) -> None:
    """Record the wind-up as closed (its scheme's balances have all moved)."""
    from lets_federation.windup.models import WindUp
    from lets_federation.windup.operations import finish

    wind_up = db.session.get(WindUp, wind_up_id)
    if wind_up is not None:
        finish(wind_up)
