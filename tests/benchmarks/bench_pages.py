"""Pages benchmark: a member's dashboard and statement for an account with 20,000
transfers, server time (the whole request in the app: routing, session, permissions,
queries, template) next to the same queries run alone, in one run.

Run against a local PostgreSQL (a database is created for the run and dropped):

    .venv/bin/python tests/benchmarks/bench_pages.py [--transfers 20000] [--requests 200]

``LETS_BENCH_DATABASE_URL`` names the server. Results go in BENCHMARKS.md (Pages). The
target: each page within 3x of its queries alone, at the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import insert, select, update

from lets_platform import testing
from lets_platform.db import db
from lets_platform.identity.operations import hash_password
from lets_platform.tenancy import scope
from lets_platform.tenancy.operations import get_scheme, provision_scheme
from lets_platform.web.testing import Browser
from lets_tenants.accounts.models import Account
from lets_tenants.invoices.operations import list_invoices
from lets_tenants.ledger.models import Transfer
from lets_tenants.ledger.operations import list_transfers
from lets_tenants.membership.operations import add_member, membership_of
from lets_tenants.pages.places import places_of
from lets_tenants.statements.operations import page as statement_page

SERVER = os.environ.get("LETS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "benchmark password"


def seed(app: Flask, transfers: int) -> None:
    """alice and bob in one scheme, ``transfers`` posted transfers between them (bulk: set-up,
    not what is measured), one a minute back from now, balances to match."""
    with app.app_context():
        scope.allow_all()
        scheme = provision_scheme(
            slug="bench",
            name="Bench LETS",
            currency_code="BEN",
            currency_name="units",
            default_min_balance="-1000000.00",
        )
        alice = add_member(
            scheme, email="alice@bench.test", display_name="Alice", handle="alice", actor=None
        )
        add_member(scheme, email="bob@bench.test", display_name="Bob", handle="bob", actor=None)
        alice.person.password_hash = hash_password(PASSWORD)
        db.session.flush()
        ids = dict(
            db.session.execute(
                select(Account.name, Account.id).where(Account.scheme_id == scheme.id)
            ).all()
        )
        start = datetime.now(UTC) - timedelta(minutes=transfers)
        rows, net = [], 0
        for n in range(transfers):
            out = n % 2 == 0
            amount = 100 + n % 7
            net += -amount if out else amount
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "scheme_id": scheme.id,
                    "payer_id": ids["alice" if out else "bob"],
                    "payee_id": ids["bob" if out else "alice"],
                    "amount": amount,
                    "memo": f"trade {n}",
                    "state": "posted",
                    "kind": "payment",
                    "channel": "online",
                    "created_at": start + timedelta(minutes=n),
                    "posted_at": start + timedelta(minutes=n),
                }
            )
        for chunk in range(0, len(rows), 5000):
            db.session.execute(insert(Transfer), rows[chunk : chunk + 5000])
        db.session.execute(update(Account).where(Account.id == ids["alice"]).values(balance=net))
        db.session.execute(update(Account).where(Account.id == ids["bob"]).values(balance=-net))
        db.session.commit()


def timed(fn: Callable[[], object], times: int) -> list[float]:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        fn()
        spent.append(time.perf_counter() - began)
    return spent


def queries_alone(app: Flask, which: str) -> Callable[[], object]:
    """The page's own lookups and queries, each in a fresh unit of work, without the rest."""

    def run() -> object:
        with app.app_context():
            scheme = get_scheme("bench")
            from lets_platform.identity.operations import find_person

            person = find_person("alice@bench.test")
            places_of(person)
            account = db.session.scalar(
                select(Account).where(Account.scheme_id == scheme.id, Account.name == "alice")
            )
            membership_of(person, scheme)
            if which == "dashboard":
                list_transfers(scheme, account=account, limit=5)
                found: object = list_invoices(scheme, account=account, state="open")
            else:
                found = statement_page(scheme, account, limit=50)
            db.session.rollback()
            return found

    return run


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transfers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with testing.postgres_database(testing.normalise_database_url(SERVER)) as url:
        app = testing.make_app(url)
        seed(app, args.transfers)
        with app.app_context():
            browser = Browser(app)
            browser.log_in("alice@bench.test", PASSWORD)
            pages = {"dashboard": "/s/bench/", "statement": "/s/bench/statement"}
            print(f"{args.transfers} transfers, {args.requests} requests each (after 20 warm-up)")
            print(f"{'page':<10} {'server p50':>11} {'p95':>8} {'alone p50':>10} {'p95':>8} ratio")
            for name, path in pages.items():
                assert browser.get(path).status_code == 200
                alone = queries_alone(app, name)
                timed(lambda p=path: browser.get(p), 20)
                timed(alone, 20)
                server = timed(lambda p=path: browser.get(p), args.requests)
                sql = timed(alone, args.requests)
                ratio = statistics.median(server) / statistics.median(sql)
                ms = [percentile(v, p) * 1000 for v in (server, sql) for p in (50, 95)]
                print(
                    f"{name:<10} {ms[0]:>9.2f}ms {ms[1]:>6.2f}ms {ms[2]:>8.2f}ms {ms[3]:>6.2f}ms"
                    f" {ratio:>4.2f}x"
                )
        testing.dispose(app)


if __name__ == "__main__":
    main()
