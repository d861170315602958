"""A new scheme provisioned from selected accounts of a regional pool.

When a new organisation is established in the network, the national body provisions its
scheme and moves the chosen pool members into it, in one transaction: each becomes a
member of the new scheme under their pool handle, their pool balance (debit or credit)
moves through the federation like a migration's (``migration.moves``, converted at the
current rates, exactly once: the whole provisioning commits or nothing does), and their
pool account closes at zero and their pool membership is marked ``left``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from lets_federation.migration.moves import Batch, Move
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme, provision_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import get_account
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import MemberNotFound, add_member

_NAMESPACE = uuid.UUID("b7e1c2d3-5a4f-4e6b-9c8d-1f2e3a4b5c6d")

NotAPool = _error("not_a_pool", 404, "No regional pool has this slug.")
PoolAccountBusy = _error(
    "pool_account_busy", 409, "A pool account has funds held by a pending trade; try later."
)


@dataclass(frozen=True)
class Arrived:
    handle: str
    #: The balance that left the pool (federation units' minor units) and what it became.
    pool_balance: int
    balance: int


def provision_from_pool(
    pool_slug: str, *, scheme: dict[str, Any], handles: list[str], actor: Person | None
) -> tuple[Scheme, list[Arrived]]:
    """Provision ``scheme`` (``provision_scheme``'s fields) in the pool's network and move
    the pool accounts ``handles`` into it.

    Returns:
        the new scheme and, per handle, the balance that left the pool and arrived.
        Keeps every ledger zero-sum and the federation's positions and residues exact.
    Raises:
        not_a_pool, validation_failed, member_not_found, pool_account_busy, and
        ``provision_scheme``'s errors (scheme_exists, rate_invalid, ...). Nothing is
        written when one is raised.
    """
    pool = get_scheme(pool_slug)
    if pool.kind != "pool" or pool.network is None:
        raise NotAPool(f"{pool_slug} is not a regional pool.")
    members = _pool_members(pool, handles)
    new = provision_scheme(**scheme, network=pool.network.slug, actor=actor)
    moves = [_arrive(new, m, actor, key) for key, m in enumerate(members)]
    run_id = uuid.uuid5(_NAMESPACE, f"{pool.id}:{new.id}")
    moved = Batch(run_id, pool, {new.id}).move_all(moves)
    _leave(pool, members, [m.account_id for m in moves])
    record(
        "pool.provisioned",
        f"scheme:{new.slug}",
        actor_id=actor.id if actor else None,
        scheme_id=new.id,
        pool=pool.slug,
        handles=[m.handle for m in members],
    )
    return new, [
        Arrived(m.handle, moved[k].balance, get_account(new, m.handle).balance)
        for k, m in enumerate(members)
    ]


def _pool_members(pool: Scheme, handles: list[str]) -> list[Membership]:
    if not handles or len(set(handles)) != len(handles):
        raise ValidationFailed(
            "handles must name at least one pool member, each once.", errors={"handles": ["?"]}
        )
    found = {
        m.handle: m
        for m in db.session.scalars(
            select(Membership).where(
                Membership.scheme_id == pool.id,
                Membership.handle.in_(handles),
                Membership.status == "active",
            )
        )
    }
    missing = [h for h in handles if h not in found]
    if missing:
        raise MemberNotFound(f"{pool.slug} has no member {', '.join(missing)}.", handles=missing)
    busy = select(Account.name).where(
        Account.membership_id.in_([m.id for m in found.values()]), Account.held != 0
    )
    if (name := db.session.scalar(busy.limit(1))) is not None:
        raise PoolAccountBusy(f"{pool.slug}/{name} has funds held by a pending trade.")
    return [found[h] for h in handles]


def _arrive(new: Scheme, member: Membership, actor: Person | None, key: int) -> Move:
    """The member's new membership and account, and the move of their pool balance."""
    joined = add_member(
        new,
        email=member.person.email,
        display_name=member.display_name,
        handle=member.handle,
        actor=actor,
    )
    source = db.session.scalar(select(Account.id).where(Account.membership_id == member.id))
    target = get_account(new, joined.handle)
    memo = f"Moved from the regional pool into {new.name}"
    return Move(key, int(source or 0), new.id, target.id, memo)


def _leave(pool: Scheme, members: list[Membership], account_ids: list[int]) -> None:
    """Close the pool accounts (now at zero) and mark their memberships ``left``."""
    db.session.execute(
        update(Account)
        .where(Account.id.in_(account_ids), Account.balance == 0, Account.held == 0)
        .values(status="closed")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Membership)
        .where(Membership.id.in_([m.id for m in members]), Membership.scheme_id == pool.id)
        .values(status="left")
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
