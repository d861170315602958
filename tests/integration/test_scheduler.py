"""``lets scheduler`` sends each periodic job once per period, however many schedulers run:
a second one started by mistake (or one per host) sends nothing twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import select

from lets_platform import jobs, testing
from lets_platform.db import db
from lets_platform.jobs import Periodic
from lets_platform.scheduler import ScheduledJob, Scheduler

MINUTE, HOUR = 60, 3600
START = 500_000 * HOUR  # a period of both jobs begins


@dataclass
class Recorder:
    """Stands in for an actor: counts the messages sent."""

    actor_name: str
    sent: list[tuple[Any, ...]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, *args: Any) -> None:
        with self.lock:
            self.sent.append(args)


@pytest.fixture
def periodic_jobs() -> dict[str, Periodic]:
    sweep, clearing = Recorder("sweep"), Recorder("clearing")
    return {
        "sweep": Periodic(MINUTE, sweep),  # type: ignore[arg-type]
        "clearing": Periodic(HOUR, clearing),  # type: ignore[arg-type]
    }


def _sent(periodic_jobs: dict[str, Periodic]) -> dict[str, int]:
    return {name: len(job.declared.sent) for name, job in periodic_jobs.items()}  # type: ignore[attr-defined]


def test_the_hubs_periodic_jobs_are_all_scheduled(ctx):
    assert {"sweep_trades", "clearing_run", "resume_migrations", "send_unsent_mail"} <= set(
        jobs.periodic()
    )


def test_two_schedulers_send_each_job_once_per_period(ctx, periodic_jobs):
    first, second = Scheduler(periodic_jobs), Scheduler(periodic_jobs)

    for now in (START, START + 1, START + MINUTE - 1):
        first.tick(now)
        second.tick(now)
    assert _sent(periodic_jobs) == {"sweep": 1, "clearing": 1}

    for now in (START + MINUTE, START + MINUTE + 30, START + 2 * MINUTE):
        second.tick(now)
        first.tick(now)
    assert _sent(periodic_jobs) == {"sweep": 3, "clearing": 1}


def test_a_scheduler_restarted_within_a_period_does_not_send_again(ctx, periodic_jobs):
    Scheduler(periodic_jobs).tick(START + 5)

    restarted = Scheduler(periodic_jobs).tick(START + 50)

    assert restarted == []
    assert _sent(periodic_jobs) == {"sweep": 1, "clearing": 1}
    claimed = dict(db.session.execute(select(ScheduledJob.name, ScheduledJob.slot)).all())
    assert claimed == {"sweep": START // MINUTE, "clearing": START // HOUR}


def test_a_send_that_fails_leaves_the_period_to_the_next_tick(ctx, periodic_jobs, monkeypatch):
    sweep = periodic_jobs["sweep"].declared
    scheduler = Scheduler({"sweep": periodic_jobs["sweep"]})

    def broker_down(*args: Any) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(sweep, "send", broker_down)
    assert scheduler.tick(START) == []
    monkeypatch.undo()

    assert scheduler.tick(START + 1) == ["sweep"]
    assert _sent(periodic_jobs) == {"sweep": 1, "clearing": 0}


def test_schedulers_ticking_at_the_same_moment_send_each_job_once(ctx, periodic_jobs):
    """Eight schedulers, each in its own thread and transaction, tick the same instants
    together: the conditional UPDATE lets one of them claim each period."""
    count = 8
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []
    instants = [START + k * MINUTE for k in range(5)]

    def run() -> None:
        scheduler = Scheduler(periodic_jobs)
        try:
            with ctx.app_context():
                for now in instants:
                    barrier.wait(timeout=30)
                    scheduler.tick(now)
                db.session.remove()
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert _sent(periodic_jobs) == {"sweep": len(instants), "clearing": 1}


@pytest.mark.skipif(
    testing.postgres_server_url() is None or testing.redis_url() is None,
    reason="needs PostgreSQL and Redis: LETS_TEST_DATABASE_URL and LETS_TEST_REDIS_URL",
)
def test_two_lets_scheduler_processes_send_each_job_once(ctx, tmp_path):
    """Two real ``lets scheduler`` processes on PostgreSQL and Redis, one started by
    mistake: the messages in Redis are one per job and period."""
    if time.time() % MINUTE > MINUTE - 20:  # keep the run within one minute's period
        time.sleep(MINUTE - time.time() % MINUTE + 0.5)
    namespace = f"lets-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "LETS_DATABASE_URL": ctx.config["SQLALCHEMY_DATABASE_URI"],
        "LETS_REDIS_URL": testing.redis_url() or "",
        "LETS_REDIS_NAMESPACE": namespace,
        "LETS_INSTANCE_PATH": str(tmp_path),
        "LETS_SECRET_KEY": "test",
    }
    lets = str(Path(sys.executable).with_name("lets"))
    started = time.time()
    processes = []
    for n in range(2):
        with open(tmp_path / f"scheduler-{n}.log", "wb") as log:
            processes.append(subprocess.Popen([lets, "scheduler"], env=env, stdout=log, stderr=log))
    client = redis.Redis.from_url(testing.redis_url() or "")
    try:
        deadline = time.monotonic() + 60
        while len(_messages(client, namespace)) < len(jobs.periodic()):
            assert time.monotonic() < deadline, "the schedulers sent nothing"
            assert all(p.poll() is None for p in processes)
            time.sleep(0.05)
        time.sleep(3)  # both have ticked a few more times: nothing more goes
        ended = time.time()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        sent = _messages(client, namespace)
        keys = list(client.scan_iter(f"{namespace}:*"))
        if keys:
            client.delete(*keys)
        client.close()

    periods = {
        name: int(ended // job.seconds) - int(started // job.seconds) + 1
        for name, job in jobs.periodic().items()
    }
    assert {name: sent.count(name) for name in periods} == periods


def _messages(client: Any, namespace: str) -> list[str]:
    """The actor names of the messages waiting in Redis under ``namespace``."""
    names = []
    for key in client.scan_iter(f"{namespace}:*.msgs"):
        names += [json.loads(raw)["actor_name"] for raw in client.hvals(key)]
    return names
