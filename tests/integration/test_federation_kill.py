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

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import func, select

from lets_federation.positions.models import Position
from lets_federation.trades.models import Trade
from lets_federation.trades.operations import create_trade
from lets_federation.trades.settlement import hold_id, payee_leg_id
from lets_federation.trades.tasks import clear_trade, sweep_trades
from lets_platform import invariants, testing
from lets_platform.db import db
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
#: Generous: only reached when something is broken, never part of what is asserted.
DEADLINE_S = 60


# -- the broker, the workers and the hub -----------------------------------------------------


@pytest.fixture
def broker(monkeypatch) -> Iterator[RedisBroker]:
    """A Redis broker under a namespace of this test's own; the federation's jobs are sent
    to it (the test process's app otherwise has the in-process stub broker)."""
    namespace = f"lets-test-{uuid.uuid4().hex[:12]}"
    the_broker = RedisBroker(url=testing.redis_url(), namespace=namespace)
    for declared in (clear_trade, sweep_trades):
        monkeypatch.setattr(declared, "broker", the_broker)
    yield the_broker
    client = redis.Redis.from_url(testing.redis_url())
    keys = list(client.scan_iter(f"{namespace}:*"))
    if keys:
        client.delete(*keys)
    client.close()
    the_broker.client.close()


@pytest.fixture
def start_worker(ctx, broker, tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start ``lets worker`` (dramatiq) as a process group of its own, configured from the
    environment like production: the test database as the application role, the broker's
    Redis namespace, and the sweep re-sending clearing for any trade still pending."""
    env = {
        **os.environ,
        "LETS_DATABASE_URL": ctx.config["SQLALCHEMY_DATABASE_URI"],
        "LETS_REDIS_URL": testing.redis_url(),
        "LETS_REDIS_NAMESPACE": broker.namespace,
        "LETS_INSTANCE_PATH": str(tmp_path),
        "LETS_SECRET_KEY": "test",
        "LETS_FEDERATION_RESEND_AFTER": "0",
    }
    started: list[subprocess.Popen] = []

    def start(threads: int = 4) -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        command = [sys.executable, "-m", "dramatiq", "lets_platform.worker"]
        command += ["--processes", "1", "--threads", str(threads)]
        process = subprocess.Popen(
            command,
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        started.append(process)
        return process

    yield start
    for process in started:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop a worker as an operator does: SIGTERM to dramatiq's parent, which lets the
    messages in hand finish before it exits."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    process.wait(timeout=DEADLINE_S)
    kill(process)  # whatever of its group outlived it


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the worker's whole process group (the dramatiq parent and its workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=DEADLINE_S)


def lets_audit(env_from: Path, database_url: str) -> subprocess.CompletedProcess:
    """``lets audit`` as an operator runs it, against the test database."""
    lets = Path(sys.executable).with_name("lets")
    env = {**os.environ, "LETS_DATABASE_URL": database_url, "LETS_INSTANCE_PATH": str(env_from)}
    env.pop("LETS_REDIS_URL", None)
    return subprocess.run(
        [str(lets), "audit"], env=env, capture_output=True, text=True, timeout=DEADLINE_S
    )


def wait_until(condition: Callable[[], bool], what: str, logs: Path) -> None:
    """Poll ``condition`` until it holds; fail after a generous deadline, showing the end
    of the workers' logs."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            tails = [f"{log.name}:\n{log.read_text()[-2000:]}" for log in logs.glob("worker-*")]
            pytest.fail(f"gave up waiting for {what}\n" + "\n".join(tails))
        time.sleep(0.01)


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
    ctx, federation, broker, start_worker, tmp_path
):
    trade_ids = make_trades(BATCH)  # the commit sent their clear_trade jobs to Redis
    assert states() == {"pending": BATCH}

    first = start_worker(threads=2)
    wait_until(
        lambda: states()["cleared"] >= BATCH // 10, "the first worker to clear some", tmp_path
    )
    kill(first)
    at_kill = states()
    assert 0 < at_kill["cleared"] < BATCH, at_kill  # killed in the middle of the batch

    second = start_worker()
    sweep_trades.send()  # re-sends clearing for the trades the killed worker had taken
    wait_until(lambda: states()["pending"] == 0, "every trade to be decided", tmp_path)
    stop(second)  # lets any redelivered message in hand finish before the books are read

    assert_cleared_exactly_once(trade_ids)
    audit = lets_audit(tmp_path, ctx.config["SQLALCHEMY_DATABASE_URI"])
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "audit passed" in audit.stdout


def test_a_clearing_message_delivered_twice_changes_nothing_twice(
    ctx, federation, broker, start_worker, tmp_path
):
    trade_ids = make_trades(20, seed=9)
    for trade_id in trade_ids:  # the same message again, as a redelivery would bring it
        broker.enqueue(clear_trade.message(str(trade_id)))

    worker = start_worker()
    wait_until(lambda: queue_drained(broker, clear_trade.queue_name), "both deliveries", tmp_path)
    stop(worker)

    assert broker.client.zcard(f"{broker.namespace}:{clear_trade.queue_name}.XQ") == 0
    assert_cleared_exactly_once(trade_ids)
