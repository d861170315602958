"""Helpers for tests of the migration: run a job to the end in-process, read the books."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from lets_federation.migration.models import MigrationRun
from lets_federation.migration.operations import run_batch
from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account


def run_to_end(run_id: Any, size: int = 200) -> int:
    """Run a migration's batches one transaction each, as the job does; returns how many."""
    batches = 1
    while run_batch(run_id, size):
        db.session.commit()
        batches += 1
    db.session.commit()
    return batches


def balances(scheme: Scheme) -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Account.name, Account.balance).where(Account.scheme_id == scheme.id)
    )
    return dict(rows.all())


def sums_to_zero(scheme: Scheme) -> bool:
    total = db.session.scalar(
        select(func.coalesce(func.sum(Account.balance), 0)).where(Account.scheme_id == scheme.id)
    )
    return int(total or 0) == 0


def run_of(scheme: Scheme) -> MigrationRun | None:
    """The scheme's migration run (the one its balances leave by), if any."""
    db.session.expire_all()
    query = select(MigrationRun).where(MigrationRun.scheme_id == scheme.id)
    return db.session.scalars(query).one_or_none()
