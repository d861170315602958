"""Clearing by dramatiq: the message leaves only after the trade commits, a worker clears
it, redelivery changes nothing, and the scheduler sends the sweep when it is due."""

from __future__ import annotations

import uuid

import pytest
from dramatiq import Worker
from sqlalchemy import func, select

from lets_federation.trades import tasks
from lets_federation.trades.models import Trade
from lets_federation.trades.operations import create_trade
from lets_platform import invariants, jobs, testing
from lets_platform.db import db
from lets_platform.jobs import broker_of
from lets_platform.scheduler import Scheduler
from lets_platform.tenancy import scope
from lets_platform.tenancy.operations import provision_scheme
from lets_tenants.ledger.models import Transfer
from lets_tenants.membership.operations import add_member

BROKERS = [
    "stub",
    pytest.param(
        "redis",
        marks=pytest.mark.skipif(
            testing.redis_url() is None, reason="LETS_TEST_REDIS_URL is not set (CI sets it)"
        ),
    ),
]


def _two_schemes() -> None:
    for slug, rate, handle in (("wiltshire", "10", "alice"), ("bright", "12", "bob")):
        scheme = provision_scheme(
            slug=slug,
            name=slug.title(),
            currency_code=slug[:3].upper(),
            currency_name="units",
            rate=rate,
            default_min_balance="-100.00",
        )
        add_member(scheme, email=f"{handle}@x.test", display_name=handle, handle=handle, actor=None)
    db.session.commit()


def _trade() -> uuid.UUID:
    trade = create_trade(
        None, payer="wiltshire/alice", payee="bright/bob", amount="10.00", currency="payer"
    )
    trade_id = trade.id
    db.session.commit()  # the clearing message leaves now
    return trade_id


@pytest.mark.parametrize("broker", BROKERS)
def test_a_worker_clears_a_trade_once_even_when_the_message_comes_twice(broker, database_url):
    redis = testing.redis_url() if broker == "redis" else None
    app = testing.make_app(
        database_url, LETS_REDIS_URL=redis, LETS_REDIS_NAMESPACE=f"lets-test-{uuid.uuid4().hex}"
    )
    with app.app_context():
        scope.allow_all()
        _two_schemes()
        the_broker = broker_of(app)
        worker = Worker(the_broker, worker_timeout=100)
        worker.start()
        try:
            trade_id = _trade()
            tasks.clear_trade.send(str(trade_id))  # a redelivery
            db.session.rollback()  # hold no transaction (SQLite: no lock) while it works
            the_broker.join(tasks.clear_trade.queue_name, timeout=60_000)
            worker.join()
        finally:
            worker.stop()
        db.session.rollback()
        assert db.session.get_one(Trade, trade_id).state == "cleared"
        assert db.session.scalar(select(func.count()).select_from(Transfer)) == 2
        assert invariants.run_all() == []
        testing.empty_tables()
    testing.dispose(app)


@pytest.fixture
def sent(monkeypatch):
    """Record clearing messages instead of sending them."""
    messages: list[tuple] = []
    monkeypatch.setattr(tasks.clear_trade, "send", lambda *args: messages.append(args))
    return messages


def test_the_clearing_message_leaves_only_when_the_trade_commits(ctx, sent):
    _two_schemes()
    trade = create_trade(
        None, payer="wiltshire/alice", payee="bright/bob", amount="1.00", currency="payer"
    )
    assert sent == []

    db.session.commit()

    assert sent == [(str(trade.id),)]


def test_a_rolled_back_trade_sends_nothing(ctx, sent):
    _two_schemes()
    create_trade(None, payer="wiltshire/alice", payee="bright/bob", amount="1.00", currency="payer")

    db.session.rollback()
    db.session.commit()

    assert sent == []
    assert db.session.scalar(select(func.count()).select_from(Trade)) == 0


def test_a_message_queued_in_a_rolled_back_savepoint_is_dropped(ctx, sent):
    with db.session.begin_nested():
        jobs.send_after_commit(tasks.clear_trade, "kept")
    savepoint = db.session.begin_nested()
    jobs.send_after_commit(tasks.clear_trade, "dropped")
    savepoint.rollback()

    db.session.commit()

    assert sent == [("kept",)]


def test_the_scheduler_sends_the_sweep_when_due_and_not_before(ctx, monkeypatch):
    swept: list[tuple] = []
    for job in jobs.periodic().values():  # other areas' periodic jobs go nowhere
        monkeypatch.setattr(job.declared, "send", lambda *args: None)
    monkeypatch.setattr(tasks.sweep_trades, "send", lambda *args: swept.append(args))
    scheduler = Scheduler()
    start = 1000 * tasks.SWEEP_EVERY  # a period begins

    first = scheduler.tick(start)
    early = scheduler.tick(start + tasks.SWEEP_EVERY - 1)
    due = scheduler.tick(start + tasks.SWEEP_EVERY)

    assert tasks.sweep_trades.actor_name in first
    assert tasks.sweep_trades.actor_name not in early
    assert tasks.sweep_trades.actor_name in due
    assert len(swept) == 2
