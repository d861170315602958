"""The hub the federation benchmark runs against: its own database, seeded schemes, client
processes, ``lets worker`` processes, and the adapter onto ``lets_federation``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import redis
from flask import Flask
from payments_db import checkpoint
from sqlalchemy import func, select, text

from lets_platform import testing
from lets_platform.app import create_app
from lets_platform.db import db
from lets_platform.tenancy import scope
from lets_platform.tenancy.operations import get_scheme, provision_scheme
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.operations import add_member

SERVER = os.environ.get("LETS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("LETS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
RATES = ["10", "12", "25/2", "1", "3/2", "60", "8", "9/4"]
MEMBERS = 10
#: Threads per worker process.
THREADS = 4


# --- the hub under test --------------------------------------------------------------------


@contextmanager
def hub() -> Iterator[tuple[Flask, dict[str, str]]]:
    """A migrated database of its own and an app bound to it as the application role."""
    namespace = f"lets-bench-{uuid.uuid4().hex[:8]}"
    with testing.postgres_database(testing.normalise_database_url(SERVER)) as url:
        settings = {"LETS_REDIS_URL": REDIS, "LETS_REDIS_NAMESPACE": namespace}
        app = testing.make_app(url, **settings)
        env = {
            "LETS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "LETS_OWNER_URL": url,
            "LETS_REDIS_URL": REDIS,
            "LETS_REDIS_NAMESPACE": namespace,
            "LETS_INSTANCE_PATH": tempfile.mkdtemp(prefix="lets-bench-"),
            "LETS_SECRET_KEY": "bench",
            "LETS_PASSWORD_HASH": "fast",
        }
        try:
            yield app, env
        finally:
            testing.dispose(app)
            _flush_namespace(namespace)


def _flush_namespace(namespace: str) -> None:
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(f"{namespace}:*"))
    if keys:
        client.delete(*keys)


def client_app(env: dict[str, str]) -> Flask:
    """The app a client process (or the benchmark itself) uses, configured like a web worker."""
    os.environ.update(env)
    return create_app({"TESTING": True})


def seed(app: Flask, schemes: int, members: int = MEMBERS) -> list[str]:
    """``schemes`` schemes with ``members`` members each, generous limits, varied rates."""
    slugs = [f"s{i:02d}" for i in range(schemes)]
    with app.app_context():
        scope.allow_all()
        for index, slug in enumerate(slugs):
            scheme = provision_scheme(
                slug=slug,
                name=f"Scheme {index}",
                currency_code=f"S{index:02d}",
                currency_name=f"units {index}",
                rate=RATES[index % len(RATES)],
                default_min_balance="-10000000.00",
            )
            for m in range(members):
                add_member(
                    scheme,
                    email=f"m{m}@{slug}.bench",
                    display_name=f"M{m}",
                    handle=f"m{m}",
                    actor=None,
                )
            Federation.prepare_scheme(scheme)
        db.session.commit()
    return slugs


# --- client processes ----------------------------------------------------------------------


Job = tuple[str, str, str, str]  # payer scheme, payer handle, payee scheme, payee handle


def _client(kind: str, env: dict[str, str], jobs: list[Job], barrier: Any) -> None:
    """One client process: build its app, wait for the start, then make each payment."""
    app = client_app(env)
    with app.app_context():
        scope.allow_all()
        make = Federation.make_trade if kind == "inter" else _intra_payment
        barrier.wait()
        for job in jobs:
            make(*job)
            db.session.commit()
        db.session.remove()


def _intra_payment(payer_scheme: str, payer: str, _payee_scheme: str, payee: str) -> None:
    transfer(get_scheme(payer_scheme), payer=payer, payee=payee, amount="1.00", entered_by=None)


def jobs_for(kind: str, slugs: list[str], count: int, seed_: int = 7) -> list[Job]:
    rng = random.Random(seed_)
    jobs: list[Job] = []
    for _ in range(count):
        a, b = rng.sample(slugs, 2) if kind == "inter" else [rng.choice(slugs)] * 2
        payer, payee = rng.sample([f"m{m}" for m in range(MEMBERS)], 2)
        jobs.append((a, payer, b, payee))
    return jobs


def run_clients(kind: str, env: dict[str, str], jobs: list[Job], clients: int) -> float:
    """Start ``clients`` processes on ``jobs``; the time from the start until all returned.
    A ``CHECKPOINT`` comes first, as in the payments benchmark, so that no run shares the
    disk with a checkpoint that the seeding or an earlier run's writes started."""
    checkpoint(SERVER)
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(clients + 1)
    processes = [
        spawn.Process(target=_client, args=(kind, env, jobs[i::clients], barrier))
        for i in range(clients)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a {kind} client process failed ({process.exitcode})")
    return started


@contextmanager
def workers(env: dict[str, str], processes: int, threads: int) -> Iterator[None]:
    """``lets worker`` (dramatiq) with ``processes`` processes on the benchmark's broker."""
    command = [sys.executable, "-m", "dramatiq", "lets_platform.worker"]
    command += ["--processes", str(processes), "--threads", str(threads)]
    worker = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield
    finally:
        worker.send_signal(signal.SIGTERM)  # dramatiq's parent stops its workers gracefully
        worker.wait(timeout=120)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)


def wait_until(condition: Callable[[], bool], deadline_s: float, what: str) -> None:
    end = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > end:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(0.02)


# --- the federation under test (adapter) -----------------------------------------------------


class Federation:
    """How the benchmark drives the federation, kept in one place."""

    #: The bare aggregate a clearing run is measured against: the same trades, by pair.
    GROUP_BY = text(
        "SELECT payer_scheme_id, payee_scheme_id, sum(fed_amount), count(*) "
        "FROM federation_trades WHERE state = 'cleared' "
        "GROUP BY payer_scheme_id, payee_scheme_id"
    )

    @staticmethod
    def prepare_scheme(scheme: Any) -> None:
        from lets_federation.positions.operations import ensure_position

        ensure_position(scheme.id)  # no federation limits: every trade should clear

    @staticmethod
    def make_trade(payer_scheme: str, payer: str, payee_scheme: str, payee: str) -> None:
        from lets_federation.trades.operations import create_trade

        address = f"{payer_scheme}/{payer}", f"{payee_scheme}/{payee}"
        create_trade(None, payer=address[0], payee=address[1], amount="1.00", currency="payer")

    @staticmethod
    def states() -> dict[str, int]:
        from lets_federation.trades.models import Trade

        db.session.rollback()
        rows = db.session.execute(select(Trade.state, func.count()).group_by(Trade.state))
        return {state: int(count) for state, count in rows}

    @staticmethod
    def settled() -> int:
        return sum(n for state, n in Federation.states().items() if state != "pending")

    @staticmethod
    def bulk_insert_cleared(connection: Any, total: int) -> None:
        """Top the recorded trades up to ``total`` cleared trades spread over every ordered
        pair of the 50 schemes, with one INSERT ... SELECT over generate_series."""
        have = connection.execute(text("SELECT count(*) FROM federation_trades")).scalar()
        connection.execute(
            text(
                """
                CREATE TEMP TABLE IF NOT EXISTS bench_members AS
                SELECT row_number() OVER (ORDER BY s.id) - 1 AS idx, s.id AS sid, a.id AS aid
                FROM schemes s JOIN accounts a ON a.scheme_id = s.id AND a.name = 'm0'
                """
            )
        )
        connection.execute(
            text(
                """
                INSERT INTO federation_trades (
                    id, payer_scheme_id, payer_account_id, payee_scheme_id, payee_account_id,
                    currency, payer_amount, payee_amount, fed_amount, payer_rate_num,
                    payer_rate_den, payee_rate_num, payee_rate_den, state, memo,
                    created_at, expires_at, decided_at)
                SELECT gen_random_uuid(), a.sid, a.aid, b.sid, b.aid, 'payer',
                       100 + g % 997, 100 + g % 997, (100 + g % 997) * 10000, 1, 1, 1, 1,
                       'cleared', '', now(), now() + interval '1 hour', now()
                FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g
                JOIN bench_members a ON a.idx = g % :n
                JOIN bench_members b ON b.idx = (g % :n + 1 + (g / :n) % (:n - 1)) % :n
                """
            ),
            {"first": have, "last": total - 1, "n": 50},
        )

    @staticmethod
    def clearing_run() -> None:
        from lets_federation.clearing.operations import run_clearing

        run_clearing()
        db.session.flush()
        db.session.rollback()  # measured, not kept
