"""Wind-up benchmark: a scheme of 10,000 members with balances migrated into 5 destination
schemes and the regional pool by the real job (Redis broker, ``lets worker``), members
migrated per second next to intra-scheme payments per second, in one run.

Run against a local PostgreSQL and Redis (a database is created for the run and dropped):

    .venv/bin/python tests/benchmarks/bench_migration.py [--members 10000] [--payments 2000]

``LETS_BENCH_DATABASE_URL`` and ``LETS_BENCH_REDIS_URL`` name the servers (see
``federation_hub``). Results and the machine go in BENCHMARKS.md (Wind-up).
"""

from __future__ import annotations

import argparse
import os
import random
import time
import uuid
from datetime import timedelta

import redis
from federation_hub import hub, jobs_for, run_clients, seed, wait_until, workers
from flask import Flask
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, select, update

from lets_federation.migration import starts
from lets_federation.migration.models import MigrationRun
from lets_federation.migration.report import build
from lets_federation.migration.tasks import resume_migrations
from lets_federation.windup.models import WindUpChoice
from lets_federation.windup.operations import decide
from lets_platform import clock, invariants
from lets_platform.db import db, utcnow
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.tenancy import scope
from lets_platform.tenancy.operations import get_scheme, provision_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer
from lets_tenants.membership.models import Membership

console = Console()
CLOSING = "closing"


def seed_closing(app: Flask, members: int, destinations: list[str]) -> None:
    """The closing scheme, its members (bulk: this is set-up, not what is measured), a
    payment between each pair so that every member has a debit or a credit, the wind-up
    decision, and five of six members' choices (the sixth go to the pool by default)."""
    with app.app_context():
        scope.allow_all()
        scheme = provision_scheme(
            slug=CLOSING,
            name="Closing LETS",
            currency_code="CLO",
            currency_name="units",
            rate="10",
            network="bench",
            default_min_balance="-10000.00",
        )
        now = utcnow()
        handles = [f"c{i}" for i in range(members)]
        people = (
            db.session.execute(
                insert(Person).returning(Person.id, sort_by_parameter_order=True),
                [
                    {"email": f"{h}@closing.bench", "display_name": h.upper(), "created_at": now}
                    for h in handles
                ],
            )
            .scalars()
            .all()
        )
        memberships = (
            db.session.execute(
                insert(Membership).returning(Membership.id, sort_by_parameter_order=True),
                [
                    {
                        "scheme_id": scheme.id,
                        "person_id": p,
                        "handle": h,
                        "display_name": h.upper(),
                        "status": "active",
                        "joined_at": now,
                    }
                    for p, h in zip(people, handles, strict=True)
                ],
            )
            .scalars()
            .all()
        )
        accounts = (
            db.session.execute(
                insert(Account).returning(Account.id, sort_by_parameter_order=True),
                [
                    {
                        "scheme_id": scheme.id,
                        "name": h,
                        "kind": "member",
                        "title": h.upper(),
                        "membership_id": m,
                        "min_balance": -1_000_000,
                        "created_at": now,
                    }
                    for m, h in zip(memberships, handles, strict=True)
                ],
            )
            .scalars()
            .all()
        )
        db.session.execute(
            insert(RoleGrant),
            [
                {"person_id": p, "scheme_id": scheme.id, "role": "member", "granted_at": now}
                for p in people
            ],
        )
        _pay_pairs(scheme.id, accounts)
        wind_up = decide(
            scheme,
            votes_for=9,
            votes_against=1,
            actor=None,
            deadline=clock.now().date() + timedelta(days=30),
        )
        targets = [get_scheme(slug) for slug in destinations]
        db.session.execute(
            insert(WindUpChoice),
            [
                {
                    "wind_up_id": wind_up.id,
                    "scheme_id": scheme.id,
                    "membership_id": m,
                    "destination_id": targets[i % 6].id,
                    "destination_handle": handles[i],
                    "creates_membership": True,
                    "channel": "online",
                    "chosen_at": now,
                }
                for i, m in enumerate(memberships)
                if i % 6 < len(targets)
            ],
        )
        db.session.commit()


def _pay_pairs(scheme_id: int, accounts: list[int]) -> None:
    rng = random.Random(5)
    now = utcnow()
    rows, deltas = [], {}
    for payer, payee in zip(accounts[0::2], accounts[1::2], strict=False):
        amount = rng.randint(1, 99_999)
        rows.append(
            {
                "id": uuid.uuid4(),
                "scheme_id": scheme_id,
                "payer_id": payer,
                "payee_id": payee,
                "amount": amount,
                "memo": "seed",
                "state": "posted",
                "kind": "payment",
                "channel": "online",
                "created_at": now,
                "posted_at": now,
            }
        )
        deltas[payer], deltas[payee] = -amount, amount
    db.session.execute(insert(Transfer), rows)
    table = Account.__table__
    from sqlalchemy import bindparam

    db.session.execute(
        update(table).where(table.c.id == bindparam("aid")).values(balance=bindparam("b")),
        [{"aid": a, "b": b} for a, b in deltas.items()],
    )


def measure_payments(env: dict[str, str], slugs: list[str], count: int, clients: int) -> float:
    started = run_clients("intra", env, jobs_for("intra", slugs, count), clients)
    return count / (time.perf_counter() - started)


def measure_migration(app: Flask, env: dict[str, str], members: int) -> float:
    """From the start's commit (which sends the first batch) until the run is finished."""
    with app.app_context():
        scope.allow_all()
        with workers(env, 1, threads=1):
            _warm_up(env)
            started_at = time.perf_counter()
            starts.start_wind_up(CLOSING, actor=None, force=True, reason="benchmark")
            db.session.commit()
            wait_until(_finished, 1800, "the migration to finish")
            elapsed = time.perf_counter() - started_at
        return members / elapsed


def _warm_up(env: dict[str, str]) -> None:
    """Wait until the worker has taken a first (empty) message: it is up and connected."""
    resume_migrations.send()
    client = redis.Redis.from_url(env["LETS_REDIS_URL"])
    key = f"{env['LETS_REDIS_NAMESPACE']}:{resume_migrations.queue_name}.msgs"
    wait_until(lambda: client.hlen(key) == 0, 600, "the worker to start")
    client.close()


def _finished() -> bool:
    db.session.rollback()
    return db.session.scalars(select(MigrationRun.state)).one() == "finished"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--payments", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=1, help="payment client processes")
    args = parser.parse_args()
    with hub() as (app, env):
        slugs = seed(app, 5)  # the five destinations, with members who pay each other
        seed_closing(app, args.members, slugs)
        payments = measure_payments(env, slugs, args.payments, args.clients)
        migrated = measure_migration(app, env, args.members)
        with app.app_context():
            scope.allow_all()
            findings = invariants.run_all()
            report = build(db.session.scalars(select(MigrationRun)).one())
            reconciles = report.reconciles
    table = Table(title="Wind-up benchmark (PostgreSQL + Redis, one worker thread)")
    for column in ("measure", "per second"):
        table.add_column(column)
    table.add_row(f"intra-scheme payments ({args.clients} client)", f"{payments:.0f}")
    table.add_row(f"members migrated ({args.members}, 5 schemes + pool)", f"{migrated:.0f}")
    table.add_row("migration / payments", f"{migrated / payments:.0%}")
    console.print(table)
    console.print(f"audit: {len(findings)} finding(s); closure report reconciles: {reconciles}")
    console.print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
