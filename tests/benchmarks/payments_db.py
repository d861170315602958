"""The benchmark's databases: create and drop them, migrate, grant the app role, and
provision schemes with many member accounts (bulk inserts), then prove the books.

Used by ``bench_payments.py``; not a test module (pytest does not collect it).
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy import (
    BigInteger,
    Column,
    MetaData,
    Table,
    func,
    insert,
    make_url,
    select,
    text,
)

from lets_platform import invariants, migrate
from lets_platform.app import create_app
from lets_platform.config import normalise_database_url
from lets_platform.db import db, utcnow
from lets_platform.identity.operations import TOKEN_PREFIX
from lets_platform.money import parse_signed
from lets_platform.tenancy import scope
from lets_platform.tenancy.operations import provision_scheme
from lets_tenants.ledger.models import Transfer

#: The ordinary role the benchmark's apps connect as, so row-level security binds them as
#: it binds production (``lets db grant``'s privileges, no superuser, no BYPASSRLS).
APP_ROLE = "lets_bench_app"

#: Limits that some payments hit, as in a scheme's life: every tenth member has no credit
#: at all (a newcomer's account: refused until they have earned), the others a floor and
#: ceiling of the size schemes set (amounts are 1.00 to 15.00). Limits so tight that most
#: accounts sit at one of them (an earlier -25.00 / 40.00) made a quarter of all attempts
#: refusals by the end of a run, which measures refusals rather than payments.
FLOOR, NO_CREDIT_EVERY, CEILING = "-300.00", 10, "500.00"


@dataclass
class BenchScheme:
    """What a client process needs to pay in one scheme (picklable)."""

    id: int
    slug: str
    handles: list[str]
    #: bearer token of each member, by handle (for the HTTP clients)
    tokens: dict[str, str] = field(default_factory=dict)


def admin_conninfo(server_url: str, database: str = "postgres") -> str:
    url = make_url(normalise_database_url(server_url)).set(
        drivername="postgresql", database=database
    )
    return url.render_as_string(hide_password=False)


@contextmanager
def scratch_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new empty database on the server (named ``prefix_<random>``); dropped after."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(admin_conninfo(server_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def checkpoint(server_url: str) -> None:
    """Write every dirty buffer out now (``CHECKPOINT``), so that the run that follows does
    not share the disk with the checkpoint an earlier run's writes (provisioning, ``pgbench
    -i``, the other program's run) would start in its middle: each run starts alike."""
    with psycopg.connect(admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def owner_url(server_url: str, database: str) -> str:
    url = make_url(normalise_database_url(server_url)).set(database=database)
    return url.render_as_string(hide_password=False)


def app_role_url(server_url: str, database: str) -> str:
    """The URL the app connects with: the bench database as ``APP_ROLE`` (no password)."""
    url = make_url(normalise_database_url(server_url))
    return url.set(database=database, username=APP_ROLE, password=None).render_as_string(False)


def bench_app(database_url: str) -> Flask:
    """An app bound to ``database_url``, configured as production is (no test switches)."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LETS_INSTANCE_PATH": tempfile.mkdtemp(prefix="lets-bench-"),
            "SECRET_KEY": "bench",
            "LETS_REDIS_URL": None,
        }
    )


def migrate_and_grant(app: Flask) -> None:
    """Alembic to head as the owner, then the app role and ``lets db grant``'s privileges."""
    with app.app_context():
        migrate.upgrade()
        with db.engine.begin() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}
            )
            if found.first() is None:
                connection.exec_driver_sql(
                    f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
                )
        migrate.grant(APP_ROLE)


def provision(app: Flask, schemes: int, accounts: int) -> list[BenchScheme]:
    """``schemes`` schemes of ``accounts`` members each, with tokens; committed and analysed."""
    provisioned = []
    with app.app_context():
        scope.allow_all()
        for number in range(schemes):
            scheme = provision_scheme(
                slug=f"bench-{number}",
                name=f"Bench Exchange {number}",
                currency_code="BEN",
                currency_name="Bench units",
                default_min_balance=FLOOR,
                default_max_balance=CEILING,
            )
            db.session.flush()
            provisioned.append(_members(scheme.id, scheme.slug, accounts))
            db.session.commit()
        db.session.remove()
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return provisioned


def _members(scheme_id: int, slug: str, count: int) -> BenchScheme:
    """Bulk-insert ``count`` members (person, membership, account, role, token) of a scheme.

    Plain tables with the columns named here, so that columns other areas add (with their
    server defaults) do not concern the benchmark.
    """
    now = utcnow()
    handles = [f"m{i:05d}" for i in range(count)]
    people = _insert(
        "persons",
        [
            {"email": f"{h}@{slug}.bench", "display_name": h.upper(), "is_admin": False}
            for h in handles
        ],
        now,
    )
    members = _insert(
        "memberships",
        [
            {"scheme_id": scheme_id, "person_id": p, "handle": h, "display_name": h.upper()}
            | {"status": "active", "joined_at": now}
            for h, p in zip(handles, people, strict=True)
        ],
    )
    floor, ceiling = parse_signed(FLOOR, 2), parse_signed(CEILING, 2)
    _insert(
        "accounts",
        [
            {"scheme_id": scheme_id, "name": h, "kind": "member", "title": h.upper()}
            | {"membership_id": m, "balance": 0, "held": 0, "status": "active"}
            | {"min_balance": 0 if i % NO_CREDIT_EVERY == 0 else floor, "max_balance": ceiling}
            for i, (h, m) in enumerate(zip(handles, members, strict=True))
        ],
        now,
    )
    grants = [{"person_id": p, "scheme_id": scheme_id, "role": "member"} for p in people]
    _insert("role_grants", [g | {"granted_at": now} for g in grants])
    tokens = {h: TOKEN_PREFIX + secrets.token_urlsafe(24) for h in handles}
    digests = [hashlib.sha256(tokens[h].encode()).hexdigest() for h in handles]
    _insert(
        "api_tokens",
        [
            {"person_id": p, "token_hash": d, "name": "bench"}
            for p, d in zip(people, digests, strict=True)
        ],
        now,
    )
    return BenchScheme(scheme_id, slug, handles, tokens)


def _insert(name: str, rows: list[dict[str, Any]], created_at: Any = None) -> list[int]:
    """INSERT ``rows`` into the table ``name`` in one statement batch; their new ids in order."""
    if created_at is not None:
        rows = [row | {"created_at": created_at} for row in rows]
    model = db.metadata.tables[name]
    columns = [Column(key, model.c[key].type) for key in rows[0]]
    target = Table(name, MetaData(), Column("id", BigInteger, primary_key=True), *columns)
    statement = insert(target).returning(target.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def transfer_count(app: Flask) -> int:
    with app.app_context():
        scope.allow_all()
        count = db.session.scalar(select(func.count()).select_from(Transfer)) or 0
        db.session.remove()
        return count


def audit(app: Flask, expected_transfers: int) -> None:
    """Run every registered invariant check (``lets audit``): zero-sum, balance == sum of
    posted transfers, limits kept; and every committed payment is in the database.
    Raises SystemExit with the findings when the books are not whole."""
    with app.app_context():
        scope.allow_all()
        findings = [f"{f.scheme}: {f.check}: {f.detail}" for f in invariants.run_all()]
        db.session.remove()
    found = transfer_count(app)
    if found != expected_transfers:
        findings.append(
            f"{found} transfers in the database, clients committed {expected_transfers}"
        )
    if findings:
        raise SystemExit("AUDIT FAILED\n" + "\n".join(findings[:50]))


def dispose(app: Flask) -> None:
    """Close the app's pooled connections (before its database is dropped)."""
    with app.app_context():
        db.engine.dispose()
