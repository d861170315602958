"""A new scheme provisioned from selected accounts of a regional pool.

When a new organisation is established in the network, the national body provisions its
scheme and, in the same transaction, starts the migration run that moves the chosen pool
members into it (``migration.starts.start_provision``): the moves are the migration
job's (batched, resumable, exactly once, reported); each member arrives under their pool
handle and their pool account closes at zero.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lets_federation.migration import starts
from lets_federation.migration.models import MigrationRun
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme, provision_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import MemberNotFound

NotAPool = _error("not_a_pool", 404, "No regional pool has this slug.")
PoolAccountBusy = _error(
    "pool_account_busy", 409, "A pool account has funds held by a pending trade; try later."
)


def provision_from_pool(
    pool_slug: str, *, scheme: dict[str, Any], handles: list[str], actor: Person | None
) -> tuple[Scheme, MigrationRun]:
    """Provision ``scheme`` (``provision_scheme``'s fields) in the pool's network and start
    the run that moves the pool accounts ``handles`` into it (sent when the caller commits).

    Raises:
        not_a_pool, validation_failed, member_not_found, pool_account_busy, not_permitted,
        and ``provision_scheme``'s errors (scheme_exists, rate_invalid, ...). Nothing is
        written when one is raised.
    """
    pool = get_scheme(pool_slug)
    if pool.kind != "pool" or pool.network is None:
        raise NotAPool(f"{pool_slug} is not a regional pool.")
    _check_members(pool, handles)
    new = provision_scheme(**scheme, network=pool.network.slug, actor=actor)
    run = starts.start_provision(pool.slug, into=new.slug, members=handles, actor=actor)
    record(
        "pool.provisioned",
        f"scheme:{new.slug}",
        actor_id=actor.id if actor else None,
        scheme_id=new.id,
        pool=pool.slug,
        handles=handles,
        run=str(run.id),
    )
    return new, run


def _check_members(pool: Scheme, handles: list[str]) -> None:
    """Each handle names an active pool member, once, with no funds held."""
    if not handles or len(set(handles)) != len(handles):
        raise ValidationFailed(
            "handles must name at least one pool member, each once.", errors={"handles": ["?"]}
        )
    found = dict(
        db.session.execute(
            select(Membership.handle, Membership.id).where(
                Membership.scheme_id == pool.id,
                Membership.handle.in_(handles),
                Membership.status == "active",
            )
        ).all()
    )
    missing = [h for h in handles if h not in found]
    if missing:
        raise MemberNotFound(f"{pool.slug} has no member {', '.join(missing)}.", handles=missing)
    busy = select(Account.name).where(
        Account.membership_id.in_(list(found.values())), Account.held != 0
    )
    if (name := db.session.scalar(busy.limit(1))) is not None:
        raise PoolAccountBusy(f"{pool.slug}/{name} has funds held by a pending trade.")
