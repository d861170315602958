"""Starting a migration: a wind-up's (members' choices, the pool by default) or a merge's.

Both are national-body acts (``federation.manage``); starting again resumes the run.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from lets_federation.migration.destinations import Destination, central_name
from lets_federation.migration.models import MigrationRun
from lets_federation.migration.operations import MANAGE, SchemeClosed, open_run, run_id_for
from lets_platform import permissions
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import AccountNotFound

NotWindingUp = _error("not_winding_up", 409, "The scheme has no wind-up decision to carry out.")
ProvisionInvalid = _error(
    "provision_invalid", 422, "Pool accounts move into an active scheme, not another pool."
)
MergeInvalid = _error(
    "merge_invalid", 422, "A scheme merges into another scheme that is open (not a pool)."
)


def start_wind_up(
    slug: str, *, actor: Person | None, force: bool = False, reason: str | None = None
) -> MigrationRun:
    """Move every balance of a winding-up scheme to its members' chosen destinations
    (the regional pool for those who made no choice), then close it.

    Args:
        force, reason: start before the repayment period is over (the national body only,
            with a reason kept on the run and in the audit log).
    Raises:
        scheme_not_found, not_permitted, not_winding_up, repayment_period_not_over,
        validation_failed (forced without a reason), scheme_closed.
    """
    from lets_federation.windup import operations as windup_ops
    from lets_federation.windup.models import WindUp, WindUpChoice

    _require(actor)
    scheme = get_scheme(slug)
    wind_up = db.session.scalar(select(WindUp).where(WindUp.scheme_id == scheme.id))
    if wind_up is None or wind_up.state == "closed":
        raise NotWindingUp(f"{slug} has no wind-up in progress.")
    forced = windup_ops.check_may_migrate(wind_up, force=force, reason=reason)
    choices = {
        c.membership_id: Destination(c.destination_id, c.destination_handle)
        for c in db.session.scalars(
            select(WindUpChoice).where(WindUpChoice.wind_up_id == wind_up.id)
        )
    }
    pool = db.session.get_one(Scheme, wind_up.pool_id)
    run = open_run(
        scheme,
        kind="wind_up",
        run_id=run_id_for("wind_up", wind_up.id),
        central=pool,
        destination_of=_by_choice(scheme, choices, pool),
        actor=actor,
        wind_up_id=wind_up.id,
        forced_reason=forced,
    )
    windup_ops.start_migration(wind_up)
    return run


def start_merge(slug: str, *, into: str, actor: Person | None) -> MigrationRun:
    """Merge a scheme into another: every member (their membership created there, with
    the ``member`` role only) and every central account's balance go to ``into``.

    Raises:
        scheme_not_found, not_permitted, merge_invalid, scheme_closed.
    """
    _require(actor)
    scheme, target = get_scheme(slug), get_scheme(into)
    if target.id == scheme.id or target.status != "active" or scheme.kind == "pool":
        raise MergeInvalid(f"{slug} cannot merge into {into} ({target.status}).")
    run_id = run_id_for("merge", scheme.id)
    if db.session.get(MigrationRun, run_id) is None and scheme.status == "closed":
        raise SchemeClosed(f"{slug} is closed already.")
    return open_run(
        scheme,
        kind="merge",
        run_id=run_id,
        central=target,
        destination_of=_all_to(scheme, target),
        actor=actor,
    )


def start_provision(
    pool_slug: str, *, into: str, members: list[str], actor: Person | None
) -> MigrationRun:
    """Move selected pool accounts into a newly provisioned scheme: memberships created
    there under the same handles (``member`` role only), each balance through the
    federation; the pool accounts close at zero, the pool stays open.

    Raises:
        scheme_not_found, not_permitted, provision_invalid, account_not_found.
    """
    _require(actor)
    pool, target = get_scheme(pool_slug), get_scheme(into)
    if pool.kind != "pool" or target.kind == "pool" or target.status != "active" or not members:
        raise ProvisionInvalid(f"{into} is not an active scheme to fill from the pool {pool_slug}.")
    handles = sorted(set(members))
    run_id = run_id_for("provision", f"{pool.id}:{target.id}:{','.join(handles)}")
    accounts = []
    if db.session.get(MigrationRun, run_id) is None:
        accounts = [_pool_account(pool, handle) for handle in handles]
    return open_run(
        pool,
        kind="provision",
        run_id=run_id,
        central=target,
        destination_of=_all_to(pool, target),
        actor=actor,
        accounts=accounts,
    )


def _pool_account(pool: Scheme, handle: str) -> Account:
    account = db.session.scalar(
        select(Account).where(
            Account.scheme_id == pool.id, Account.name == handle, Account.kind == "member"
        )
    )
    if account is None or account.status == "closed":
        raise AccountNotFound(f"There is no open member account {handle!r} in {pool.slug}.")
    return account


def _require(actor: Person | None) -> None:
    if actor is not None:
        permissions.require(actor, MANAGE)


def _by_choice(
    scheme: Scheme, choices: dict[int, Destination], pool: Scheme
) -> Callable[[Account], Destination]:
    def destination(account: Account) -> Destination:
        if account.kind != "member":
            return Destination(pool.id, central_name(scheme, account))
        chosen = choices.get(account.membership_id or 0)
        return chosen or Destination(pool.id, account.name)

    return destination


def _all_to(scheme: Scheme, target: Scheme) -> Callable[[Account], Destination]:
    def destination(account: Account) -> Destination:
        name = account.name if account.kind == "member" else central_name(scheme, account)
        return Destination(target.id, name)

    return destination
