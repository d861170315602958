"""Organisers' and national body's pages on a big scheme: 10,000 members (imported) and
20,000 transfers over twelve months. Server time of each page (p50, p95 over ``--runs``
requests on the test client, the session's person signed in as an organiser or the
national administrator), next to the activity query alone.

    .venv/bin/python tests/benchmarks/bench_admin_pages.py [--members 10000] [--transfers 20000]

On SQLite by default; with ``LETS_TEST_DATABASE_URL`` set, on PostgreSQL (a database is
made for the run and dropped). The transfers are inserted in bulk as set-up (posted, spread
over the months; balances are not what is measured).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import timedelta

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, select

from lets_platform import clock, testing
from lets_platform.db import db
from lets_platform.identity.operations import add_person, grant_role
from lets_platform.tenancy import scope
from lets_platform.tenancy.operations import provision_scheme
from lets_platform.web.testing import Browser
from lets_tenants.accounts.models import Account
from lets_tenants.activity.operations import activity
from lets_tenants.imports.operations import import_scheme
from lets_tenants.ledger.models import Transfer
from lets_tenants.membership.operations import add_member

console = Console()


def seed(members: int, transfers: int) -> tuple[int, int]:
    scope.allow_all()
    scheme = provision_scheme(
        slug="big",
        name="Big LETS",
        currency_code="BIG",
        currency_name="Bigs",
        default_min_balance="-500.00",
    )
    rows = ["handle,display_name,email,balance"]
    rows += [f"m{i},Member {i},m{i}@big.test,0" for i in range(members)]
    import_scheme(scheme, accounts="\n".join(rows).encode(), offers=None, actor=None)
    organiser = add_member(
        scheme, email="olive@big.test", display_name="Olive", handle="olive", actor=None
    ).person
    grant_role(organiser, "organiser", scheme_id=scheme.id, granted_by=None)
    admin = add_person("nadia@big.test", "Nadia", admin=True)
    db.session.commit()
    members_only = select(Account.id).where(
        Account.scheme_id == scheme.id, Account.kind == "member"
    )
    ids = list(db.session.scalars(members_only))
    now, rng = clock.now(), random.Random(1)
    batch = []
    for n in range(transfers):
        payer, payee = rng.sample(ids, 2)
        when = now - timedelta(days=rng.randrange(365))
        batch.append({
            "id": uuid.uuid4(), "scheme_id": scheme.id, "payer_id": payer, "payee_id": payee,
            "amount": rng.randrange(100, 5000), "memo": "", "state": "posted",
            "kind": "payment", "channel": "online", "created_at": when, "posted_at": when,
        })  # fmt: skip
        if len(batch) == 5000 or n == transfers - 1:
            db.session.execute(insert(Transfer), batch)
            batch = []
    db.session.commit()
    return organiser.id, admin.id


def timed(call, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--transfers", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with testing.test_database() as url:
        app = testing.make_app(url, as_owner=True)
        with app.app_context():
            organiser_id, admin_id = seed(args.members, args.transfers)
            from lets_platform.identity.models import Person
            from lets_platform.tenancy.models import Scheme

            scheme = db.session.scalar(select(Scheme).where(Scheme.slug == "big"))
            olive, nadia = Browser(app), Browser(app)
            olive.sign_in(db.session.get(Person, organiser_id))
            nadia.sign_in(db.session.get(Person, admin_id))
            db.session.commit()

            def get(browser: Browser, path: str):
                def call():
                    assert browser.get(path).status_code == 200, path

                return call

            def query():
                activity(scheme, 12)
                db.session.commit()

            measured = [
                ("activity query alone (12 months)", query),
                ("organiser overview (activity charts)", get(olive, "/s/big/admin/")),
                ("members page (first 100 of all)", get(olive, "/s/big/admin/members")),
                ("members page, search '99'", get(olive, "/s/big/admin/members?q=99")),
                ("transfers page (newest 25)", get(olive, "/s/big/admin/transfers")),
                ("audit log page", get(olive, "/s/big/admin/audit")),
                ("hub overview (positions chart)", get(nadia, "/hub/")),
            ]  # fmt: skip
            table = Table(
                title=f"{db.engine.dialect.name}: {args.members} members, "
                f"{args.transfers} transfers, {args.runs} runs each"
            )
            for column in ("what", "p50 ms", "p95 ms"):
                table.add_column(column)
            for name, call in measured:
                call()  # warm
                p50, p95 = timed(call, args.runs)
                table.add_row(name, f"{p50:.1f}", f"{p95:.1f}")
            console.print(table)
        testing.dispose(app)


if __name__ == "__main__":
    main()
