"""Clearing is exactly once with the real Redis broker and real worker processes: a worker
killed (SIGKILL) in the middle of a batch loses nothing and doubles nothing once a new
worker and the sweep have run, and a message delivered twice changes nothing twice.

dramatiq's Redis broker gives a dead worker's unacknowledged messages back only during
its occasional queue maintenance, a minute after the worker's last heartbeat; the
designed recovery is the sweep, which re-sends clearing for trades still pending.

Runs only on PostgreSQL with Redis (CI sets both). Each test has its own Redis key
namespace, so parallel runs sharing one Redis database do not meet; the namespace's keys
are deleted after the test.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import func, select

from lets_federation.positions.models import Position
from lets_federation.trades.models import Trade
from lets_federation.trades.operations import create_trade
from lets_federation.trades.settlement import hold_id, payee_leg_id
from lets_federation.trades.tasks import clear_trade, sweep_trades
from lets_platform import invariants, testing
from lets_platform.db import db
from lets_platform.testing_workers import Workers, kill, lets_audit, namespaced_broker, stop
from lets_tenants.ledger.models import Transfer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        testing.postgres_server_url() is None or testing.redis_url() is None,
        reason="needs PostgreSQL and Redis: LETS_TEST_DATABASE_URL and LETS_TEST_REDIS_URL "
        "(CI sets both)",
    ),
]

SCHEMES = {"wiltshire": "10", "bright": "12", "london": "25/2"}
HANDLES = [f"m{i}" for i in range(6)]
BATCH = 200


# -- the broker, the workers and the hub -----------------------------------------------------


@pytest.fixture
def broker(monkeypatch) -> Iterator[RedisBroker]:
    """The federation's jobs go to a Redis namespace of this test's own (the test
    process's app otherwise has the in-process stub broker)."""
    with namespaced_broker(monkeypatch.setattr, (clear_trade, sweep_trades)) as the_broker:
        yield the_broker


@pytest.fixture
def workers(ctx, broker, tmp_path) -> Iterator[Workers]:
    """Real workers; the sweep re-sends clearing for any trade still pending."""
    started = Workers(
        ctx.config["SQLALCHEMY_DATABASE_URI"],
        broker,
        tmp_path,
        {"LETS_FEDERATION_RESEND_AFTER": "0"},
    )
    yield started
    started.stop_all()


@pytest.fixture
def federation(create_scheme, create_member):
    for slug, rate in SCHEMES.items():
        scheme = create_scheme(slug, rate=rate, default_min_balance="-10000.00")
        for handle in HANDLES:
            create_member(scheme, handle)


def make_trades(count: int, seed: int = 4) -> list[uuid.UUID]:
    """``count`` pending trades between random members of different schemes, committed."""
    rng = random.Random(seed)
    ids = []
    for _ in range(count):
        payer, payee = rng.sample(list(SCHEMES), 2)
        trade = create_trade(
            None,
            payer=f"{payer}/{rng.choice(HANDLES)}",
            payee=f"{payee}/{rng.choice(HANDLES)}",
            amount=f"{rng.randint(1, 5000) / 100:.2f}",
            currency=rng.choice(["payer", "payee"]),
        )
        ids.append(trade.id)
    db.session.commit()
    return ids


def states() -> Counter[str]:
    db.session.rollback()  # a fresh snapshot on every poll
    rows = db.session.execute(select(Trade.state, func.count()).group_by(Trade.state))
    return Counter(dict(rows.all()))


def queue_drained(broker: RedisBroker, queue: str) -> bool:
    """Every message sent to ``queue`` (and its retries) was processed and acknowledged."""
    client, ns = broker.client, broker.namespace
    return client.hlen(f"{ns}:{queue}.msgs") + client.hlen(f"{ns}:{queue}.DQ.msgs") == 0


# -- what exactly once means -------------------------------------------------------------------


def assert_cleared_exactly_once(trade_ids: list[uuid.UUID]) -> None:
    db.session.rollback()
    trades = db.session.scalars(select(Trade)).all()
    assert Counter(t.state for t in trades) == {"cleared": len(trade_ids)}
    legs = db.session.execute(
        select(Transfer.id, Transfer.state).where(Transfer.kind == "federation")
    ).all()
    expected = {hold_id(t) for t in trade_ids} | {payee_leg_id(t) for t in trade_ids}
    assert sorted(leg_id for leg_id, _ in legs) == sorted(expected)  # one hold, one payee leg
    assert {state for _, state in legs} == {"posted"}
    assert {(t.hold_transfer_id, t.payee_leg_id) for t in trades} == {
        (hold_id(t.id), payee_leg_id(t.id)) for t in trades
    }
    positions = dict(db.session.execute(select(Position.scheme_id, Position.position)).all())
    assert sum(positions.values()) == 0
    moved: Counter[int] = Counter()
    for trade in trades:  # each trade moved the positions once, by its federation amount
        moved[trade.payee_scheme_id] += trade.fed_amount
        moved[trade.payer_scheme_id] -= trade.fed_amount
    assert {sid: pos for sid, pos in positions.items() if pos} == {
        sid: amount for sid, amount in moved.items() if amount
    }
    assert invariants.run_all() == []


# -- the tests ---------------------------------------------------------------------------------


def test_a_worker_killed_mid_batch_leaves_every_trade_cleared_exactly_once(
    ctx, federation, broker, workers, tmp_path
):
    trade_ids = make_trades(BATCH)  # the commit sent their clear_trade jobs to Redis
    assert states() == {"pending": BATCH}

    first = workers.start(threads=2)
    workers.wait_until(lambda: states()["cleared"] >= BATCH // 10, "the first worker to clear some")
    kill(first)
    at_kill = states()
    assert 0 < at_kill["cleared"] < BATCH, at_kill  # killed in the middle of the batch

    second = workers.start(threads=4)
    sweep_trades.send()  # re-sends clearing for the trades the killed worker had taken
    workers.wait_until(lambda: states()["pending"] == 0, "every trade to be decided")
    stop(second)  # lets any redelivered message in hand finish before the books are read

    assert_cleared_exactly_once(trade_ids)
    audit = lets_audit(tmp_path, ctx.config["SQLALCHEMY_DATABASE_URI"])
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "audit passed" in audit.stdout


def test_a_clearing_message_delivered_twice_changes_nothing_twice(
    ctx, federation, broker, workers, tmp_path
):
    trade_ids = make_trades(20, seed=9)
    for trade_id in trade_ids:  # the same message again, as a redelivery would bring it
        broker.enqueue(clear_trade.message(str(trade_id)))

    worker = workers.start(threads=4)
    workers.wait_until(lambda: queue_drained(broker, clear_trade.queue_name), "both deliveries")
    stop(worker)

    assert broker.client.zcard(f"{broker.namespace}:{clear_trade.queue_name}.XQ") == 0
    assert_cleared_exactly_once(trade_ids)


def test_trades_made_while_a_clearing_job_is_on_its_way_send_none_and_are_cleared(
    ctx, federation, broker, workers
):
    queue = f"{broker.namespace}:{clear_trade.queue_name}.msgs"
    first = make_trades(1, seed=11)
    assert broker.client.hlen(queue) == 1  # the first trade asked for clearing
    later = [trade_id for seed in range(12, 22) for trade_id in make_trades(1, seed=seed)]
    assert broker.client.hlen(queue) == 1  # the job on its way will find these too

    worker = workers.start(threads=2)
    workers.wait_until(lambda: states()["pending"] == 0, "the one job to clear them all")
    make_trades(1, seed=99)  # the job has started: a new trade asks again
    workers.wait_until(lambda: states()["pending"] == 0, "the next job")
    stop(worker)

    assert states() == {"cleared": len(first) + len(later) + 1}
    assert invariants.run_all() == []
