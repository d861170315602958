"""The balance migration is exactly once with the real Redis broker and real worker
processes: a worker killed (SIGKILL) after k of n members have moved, for several k,
then restarted (and the resume sweep sent, as ``lets scheduler`` would), finishes with
every balance moved once, every account closed at zero, every ledger zero-sum, the
federation audit passing and the closure report reconciling.

Runs only on PostgreSQL with Redis (CI sets both). The worker, broker and wait helpers
are ``lets_platform.testing_workers`` (each test its own Redis namespace, deleted after).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

import pytest
from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import func, select

from lets_federation.migration import starts
from lets_federation.migration.models import MigrationItem, MigrationRun
from lets_federation.migration.report import build
from lets_federation.migration.tasks import migrate_batch, resume_migrations
from lets_federation.trades.models import Trade
from lets_federation.windup.choices import choose
from lets_federation.windup.operations import decide
from lets_platform import clock, invariants, testing
from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_platform.testing_workers import Workers, kill, lets_audit, namespaced_broker, stop
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.operations import transfer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        testing.postgres_server_url() is None or testing.redis_url() is None,
        reason="needs PostgreSQL and Redis: LETS_TEST_DATABASE_URL and LETS_TEST_REDIS_URL "
        "(CI sets both)",
    ),
]

MEMBERS = 240
BATCH = 8
DESTINATIONS = ("bright", "london", "pool")


@pytest.fixture
def broker(monkeypatch, ctx) -> Iterator[RedisBroker]:
    monkeypatch.setitem(ctx.config, "LETS_MIGRATION_BATCH_SIZE", BATCH)
    with namespaced_broker(monkeypatch.setattr, (migrate_batch, resume_migrations)) as the_broker:
        yield the_broker


@pytest.fixture
def workers(ctx, broker, tmp_path) -> Iterator[Workers]:
    database_url = ctx.config["SQLALCHEMY_DATABASE_URI"]
    started = Workers(database_url, broker, tmp_path, {"LETS_MIGRATION_BATCH_SIZE": str(BATCH)})
    yield started
    started.stop_all()


@pytest.fixture
def winding_up(create_scheme, create_member, fake_clock):
    """wiltshire winds up with MEMBERS members in debit and credit; a third chose bright,
    a third london, the rest go to the pool; the repayment period is over."""
    wes = create_scheme("wiltshire", rate="10", network="wessex", default_min_balance="-500.00")
    create_scheme("bright", rate="12", network="wessex")
    create_scheme("london", rate="25/2", network="wessex")
    handles = [f"m{i}" for i in range(MEMBERS)]
    people = [create_member(wes, handle) for handle in handles]
    rng = random.Random(7)
    for _ in range(MEMBERS * 2):
        payer, payee = rng.sample(handles, 2)
        amount = f"{rng.randint(1, 9999) / 100:.2f}"
        transfer(wes, payer=payer, payee=payee, amount=amount, entered_by=None)
    deadline = clock.now().date() + timedelta(days=30)
    decide(wes, votes_for=9, votes_against=1, deadline=deadline, actor=None)
    for i, person in enumerate(people):
        if DESTINATIONS[i % 3] != "pool":
            choose(wes, actor=person, destination=DESTINATIONS[i % 3])
    db.session.commit()
    fake_clock.advance(days=31)
    return wes


def run() -> MigrationRun:
    db.session.rollback()  # a fresh snapshot on every poll
    return db.session.scalars(select(MigrationRun)).one()


def assert_moved_exactly_once(wes: Scheme) -> None:
    db.session.rollback()
    items = db.session.scalars(select(MigrationItem)).all()
    assert len(items) == MEMBERS and {i.state for i in items} == {"done"}
    assert run().done == MEMBERS and run().state == "finished"
    closing = db.session.execute(
        select(Account.balance, Account.status).where(Account.scheme_id == wes.id)
    ).all()
    assert set(closing) == {(0, "closed")}
    moved = {(i.dest_scheme_id, i.dest_name): i.amount_moved for i in items}
    rows = db.session.execute(
        select(Account.scheme_id, Account.name, Account.balance).where(
            Account.scheme_id != wes.id, Account.kind == "member"
        )
    )
    arrived = {(scheme_id, name): balance for scheme_id, name, balance in rows}
    assert arrived == moved  # each member's account there holds what moved, once
    trades = db.session.scalar(select(func.count()).select_from(Trade))
    assert trades == sum(1 for i in items if i.balance_before)
    assert invariants.run_all() == []
    assert build(run()).reconciles


@pytest.mark.parametrize("kill_after", [BATCH, MEMBERS // 2, MEMBERS - 2 * BATCH])
def test_a_worker_killed_after_k_members_resumes_and_moves_each_balance_once(
    ctx, winding_up, broker, workers, tmp_path, kill_after
):
    starts.start_wind_up("wiltshire", actor=None)
    db.session.commit()  # sends the first batch to Redis

    first = workers.start()
    workers.wait_until(lambda: run().done >= kill_after, f"{kill_after} members moved")
    kill(first)
    at_kill = run().done
    assert 0 < at_kill < MEMBERS, at_kill  # killed in the middle of the migration

    second = workers.start()
    resume_migrations.send()  # as lets scheduler does; the killed worker's message is lost
    workers.wait_until(lambda: run().state == "finished", "the migration to finish")
    stop(second)

    assert_moved_exactly_once(winding_up)
    audit = lets_audit(tmp_path, ctx.config["SQLALCHEMY_DATABASE_URI"])
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_batch_messages_delivered_twice_move_nothing_twice(
    ctx, winding_up, broker, workers, tmp_path
):
    started = starts.start_wind_up("wiltshire", actor=None)
    db.session.commit()
    for _ in range(3):  # the same batch again, and resumes racing it
        broker.enqueue(migrate_batch.message(str(started.id), BATCH))
        broker.enqueue(resume_migrations.message())

    worker = workers.start()
    workers.wait_until(lambda: run().state == "finished", "the migration to finish")
    stop(worker)

    assert_moved_exactly_once(winding_up)
