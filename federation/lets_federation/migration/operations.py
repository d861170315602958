"""Starting a balance migration (a wind-up's or a merge), running it batch by batch, and
closing the scheme when every balance has moved.

Starting closes the scheme to writes (status ``closed``: the ledger refuses its
transfers and trades from then on, pending trades are decided as refused), and records
one item per member account and per central account with a balance, with its
destination. Each batch, one transaction under the run's row lock, moves the next
pending items (``moves.move_balance``) and marks them done, so a batch that dies leaves
its items pending and a re-run moves each balance once. The last batch closes every
account at zero. Operations only flush; the actor, request or command commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select, update

from lets_federation.migration.destinations import Destination, arrivals
from lets_federation.migration.models import MigrationItem, MigrationRun
from lets_federation.migration.moves import Batch, Move
from lets_federation.trades.models import Trade
from lets_federation.trades.settlement import settle
from lets_federation.units import store_fraction
from lets_platform import permissions
from lets_platform.audit.operations import record
from lets_platform.db import db, utcnow
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer
from lets_tenants.ledger.operations import void_pending
from lets_tenants.membership.models import Membership

#: Members moved per batch (one transaction, one message); ``LETS_MIGRATION_BATCH_SIZE``.
BATCH_SIZE = 200
MANAGE = "federation.manage"
READ = "federation.read_all"
_RUN_NAMESPACE = uuid.UUID("8e2f6a1b-4c7d-4e9a-b3f5-0d1c2b3a4f5e")

SchemeClosed = _error("scheme_closed", 409, "The scheme is closed: its books are read-only.")
NoMigration = _error("migration_not_found", 404, "No balance migration of this scheme.")


def run_id_for(kind: str, key: Any) -> uuid.UUID:
    """A run's id, derived from what it migrates (the wind-up, or the merged scheme)."""
    return uuid.uuid5(_RUN_NAMESPACE, f"{kind}:{key}")


def open_run(
    scheme: Scheme,
    *,
    kind: str,
    run_id: uuid.UUID,
    central: Scheme,
    destination_of: Callable[[Account], Destination],
    actor: Person | None,
    wind_up_id: int | None = None,
    accounts: list[Account] | None = None,
    forced_reason: str | None = None,
) -> MigrationRun:
    """Close ``scheme`` to writes and record what moves where; idempotent per ``run_id``.

    With ``accounts`` (a provision from a pool) only those move: they are suspended, the
    scheme stays open. ``forced_reason`` (a wind-up started before its repayment period
    ended) is kept on the run and in the audit log.

    Returns:
        the run (the existing one if it was opened already). The first batch is sent
        when the caller commits.
    """
    existing = db.session.get(MigrationRun, run_id)
    if existing is not None:
        _send_next(existing)
        return existing
    if scheme.status == "closed":
        raise SchemeClosed(f"{scheme.slug} is closed already.")
    if accounts is None:
        scheme.status = "closed"
        db.session.flush()
        _decide_pending(scheme)
        accounts = _all_accounts(scheme)
    else:
        for account in accounts:
            account.status = "suspended"
    run = MigrationRun(
        id=run_id,
        scheme_id=scheme.id,
        kind=kind,
        central_scheme_id=central.id,
        started_by_id=actor.id if actor else None,
        wind_up_id=wind_up_id,
        forced_reason=forced_reason,
    )
    db.session.add(run)
    db.session.flush()
    run.total = _add_items(run, scheme, accounts, destination_of)
    record(
        "migration.started",
        f"scheme:{scheme.slug}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        kind=kind,
        total=run.total,
        **({} if forced_reason is None else {"forced_reason": forced_reason}),
    )
    _send_next(run)
    return run


def _decide_pending(scheme: Scheme) -> None:
    """Refuse the scheme's pending trades (it no longer trades) and void other holds."""
    pending = select(Trade.id).where(
        Trade.state == "pending",
        (Trade.payer_scheme_id == scheme.id) | (Trade.payee_scheme_id == scheme.id),
    )
    for trade_id in db.session.scalars(pending).all():
        settle(trade_id)
    holds = select(Transfer.id).where(Transfer.scheme_id == scheme.id, Transfer.state == "pending")
    for transfer_id in db.session.scalars(holds).all():
        void_pending(scheme, transfer_id, "scheme_closed")


def _all_accounts(scheme: Scheme) -> list[Account]:
    """Every member account, and every central account with a balance."""
    return list(
        db.session.scalars(
            select(Account)
            .where(Account.scheme_id == scheme.id, Account.kind != "federation")
            .where((Account.kind == "member") | (Account.balance != 0))
            .order_by(Account.id)
        )
    )


def _add_items(
    run: MigrationRun,
    scheme: Scheme,
    accounts: list[Account],
    destination_of: Callable[[Account], Destination],
) -> int:
    rows = []
    for account in accounts:
        where = destination_of(account)
        rows.append(
            {
                "run_id": run.id,
                "scheme_id": scheme.id,
                "account_id": account.id,
                "name": account.name,
                "kind": account.kind,
                "balance_before": account.balance,
                "dest_scheme_id": where.scheme_id,
                "dest_name": where.name,
                "state": "pending",
            }
        )
    if rows:
        db.session.execute(insert(MigrationItem), rows)
    return len(rows)


def run_batch(run_id: Any, size: int = BATCH_SIZE) -> bool:
    """Move the next ``size`` pending items of a run; close the scheme after the last.

    Returns:
        True when items remain (send the next batch after this commits).
    Keeps:
        each item's balance moves exactly once: the run's row is locked, only pending
        items are taken, and each is marked done in the transaction that moves it.
    """
    run = _lock(run_id)
    if run is None or run.state != "running":
        return False
    items = db.session.scalars(
        select(MigrationItem)
        .where(MigrationItem.run_id == run.id, MigrationItem.state == "pending")
        .order_by(MigrationItem.id)
        .limit(size)
    ).all()
    source = db.session.get_one(Scheme, run.scheme_id)
    if items:
        _move_items(run, source, list(items))
    run.done += len(items)
    if run.done < run.total:
        return True
    _finish(run, source)
    return False


def _lock(run_id: Any) -> MigrationRun | None:
    rid = run_id if isinstance(run_id, uuid.UUID) else uuid.UUID(str(run_id))
    query = (
        select(MigrationRun)
        .where(MigrationRun.id == rid)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.scalar(query)


def _move_items(run: MigrationRun, source: Scheme, items: list[MigrationItem]) -> None:
    """Move the items' balances in one go and mark each done with what it moved."""
    there = arrivals(source, items)
    batch = Batch(run.id, source, {i.dest_scheme_id for i in items})
    moves = [
        Move(
            key=item.id,
            account_id=item.account_id,
            dest_scheme_id=item.dest_scheme_id,
            dest_account_id=there[item.id].account_id,
            memo=f"Balance migration of {source.slug}/{item.name} to "
            f"{batch.schemes[item.dest_scheme_id].slug}/{there[item.id].name}",
        )
        for item in items
    ]
    moved = batch.move_all(moves)
    now = utcnow()
    for item in items:
        done = moved[item.id]
        item.dest_name = there[item.id].name
        item.balance_before = done.balance
        item.amount_moved, item.fed_amount = done.amount, done.fed_amount
        item.residue_out = store_fraction(done.residue_out)
        item.residue_in = store_fraction(done.residue_in)
        item.trade_id, item.state, item.done_at = done.trade_id, "done", now


def _finish(run: MigrationRun, source: Scheme) -> None:
    """Close every account of the scheme at zero and the run; the wind-up is closed."""
    closing = update(Account).where(
        Account.scheme_id == source.id, Account.balance == 0, Account.held == 0
    )
    if run.kind == "provision":  # only the accounts that moved out of the pool
        moved = select(MigrationItem.account_id).where(MigrationItem.run_id == run.id)
        closing = closing.where(Account.id.in_(moved))
        _leave_pool(source, moved)
    db.session.execute(closing.values(status="closed").execution_options(synchronize_session=False))
    run.state, run.finished_at = "finished", utcnow()
    if run.wind_up_id is not None:
        from lets_federation.migration.destinations import close_wind_up

        close_wind_up(run.wind_up_id)
    record(
        "migration.finished",
        f"scheme:{source.slug}",
        actor_id=None,
        scheme_id=source.id,
        kind=run.kind,
    )
    db.session.flush()


def _leave_pool(pool: Scheme, moved: Any) -> None:
    """The members whose pool accounts moved out have left the pool."""
    members = select(Account.membership_id).where(Account.id.in_(moved))
    db.session.execute(
        update(Membership)
        .where(Membership.scheme_id == pool.id, Membership.id.in_(members))
        .values(status="left")
        .execution_options(synchronize_session=False)
    )


def _send_next(run: MigrationRun) -> None:
    if run.state == "running":
        from lets_federation.migration.tasks import migrate_batch
        from lets_platform import jobs

        size = int(current_app.config.get("LETS_MIGRATION_BATCH_SIZE", BATCH_SIZE))
        jobs.send_after_commit(migrate_batch, str(run.id), size)


def resume_running() -> int:
    """Send the next batch of every run still running (after a worker died); returns how many."""
    runs = db.session.scalars(select(MigrationRun).where(MigrationRun.state == "running")).all()
    for run in runs:
        _send_next(run)
    return len(runs)


def latest_run(scheme: Scheme) -> MigrationRun:
    run = db.session.scalar(
        select(MigrationRun)
        .where(MigrationRun.scheme_id == scheme.id)
        .order_by(MigrationRun.started_at.desc())
        .limit(1)
    )
    if run is None:
        raise NoMigration(f"{scheme.slug} has no balance migration.")
    return run


def progress(slug: str, actor: Person | None) -> MigrationRun:
    """The scheme's migration run, for its organisers and the national body."""
    scheme = get_scheme(slug)
    if actor is not None:
        permissions.require(actor, READ, scheme.id)
    return latest_run(scheme)


def pending_count(run: MigrationRun) -> int:
    query = select(func.count()).where(
        MigrationItem.run_id == run.id, MigrationItem.state == "pending"
    )
    return int(db.session.scalar(query) or 0)
