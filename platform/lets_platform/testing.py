"""Shared test helpers: throw-away databases, an app bound to one, and factories.

Tests run on SQLite by default and on PostgreSQL when ``LETS_TEST_DATABASE_URL`` names a
server (a database there is created for the run and dropped after it); Redis likewise
with ``LETS_TEST_REDIS_URL``.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dramatiq
import psycopg
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, event, func, make_url, select
from sqlalchemy.pool import NullPool

from lets_platform import jobs, migrate
from lets_platform.app import create_app
from lets_platform.config import normalise_database_url
from lets_platform.db import db
from lets_platform.tenancy import scope


def postgres_server_url() -> str | None:
    url = os.environ.get("LETS_TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


def redis_url() -> str | None:
    return os.environ.get("LETS_TEST_REDIS_URL") or None


def _admin_conninfo(server_url: str) -> str:
    url = make_url(server_url).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``server_url``; dropped after."""
    name = f"lets_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_admin_conninfo(server_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="lets-test-") as folder:
        yield f"sqlite:///{Path(folder) / 'test.sqlite'}"


@contextmanager
def test_database(backend: str | None = None) -> Iterator[str]:
    """A throw-away database URL: PostgreSQL if configured (or asked), else SQLite."""
    server = postgres_server_url()
    if backend == "postgresql" or (backend is None and server):
        if not server:
            raise RuntimeError("LETS_TEST_DATABASE_URL is not set")
        with postgres_database(server) as url:
            yield url
    else:
        with sqlite_database() as url:
            yield url


#: The roles of a production hub, for the tests on PostgreSQL: the owner runs the
#: migrations (an ordinary role that owns the test database, not the server's superuser)
#: and the app connects as the ordinary role that owns nothing and that row-level security
#: binds, with the privileges ``lets db upgrade`` grants it.
OWNER_ROLE = "lets_test_owner"
APP_ROLE = "lets_test_app"


def make_app(
    database_url: str, instance_path: str | None = None, *, as_owner: bool = False, **config: Any
) -> Flask:
    """An app for tests, bound to ``database_url`` (migrated to head).

    On PostgreSQL (``database_url`` names a superuser, as ``LETS_TEST_DATABASE_URL``
    does) the database is given to ``OWNER_ROLE``, which runs the migrations and grants
    ``APP_ROLE``; the app connects as ``APP_ROLE``. With ``as_owner`` the migrations run
    and the app connects as ``database_url``'s own role.
    """
    settings = {
        "TESTING": True,
        "LETS_PASSWORD_HASH": "fast",
        "LETS_REDIS_URL": config.pop("LETS_REDIS_URL", None),
        # Off, so that the suite's many logins from one address are not limited; the
        # tests of the limits turn them on (tests/integration/test_rate_limits.py).
        "LETS_RATE_LIMITS_ENABLED": config.pop("LETS_RATE_LIMITS_ENABLED", False),
        "LETS_RATE_LIMIT_STORAGE_URL": config.pop("LETS_RATE_LIMIT_STORAGE_URL", None)
        or redis_url()
        or "memory://",
        "LETS_INSTANCE_PATH": instance_path or tempfile.mkdtemp(prefix="lets-instance-"),
        "SECRET_KEY": "test",
        **config,
    }
    if as_owner or not database_url.startswith("postgresql"):
        owner = create_app({**settings, "SQLALCHEMY_DATABASE_URI": database_url})
        with owner.app_context():
            migrate.upgrade()
        return owner
    owner_url = give_to_owner(database_url)
    owner = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": owner_url, "LETS_DATABASE_APP_ROLE": APP_ROLE}
    )
    with owner.app_context():
        migrate.upgrade()  # and grants APP_ROLE, as ``lets db upgrade`` does
    dispose(owner)
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": role_url(database_url, APP_ROLE)})
    app.config["LETS_TEST_OWNER_URL"] = owner_url
    return app


def role_url(database_url: str, role: str) -> str:
    """``database_url`` connecting as ``role`` (no password: the test server trusts it)."""
    return make_url(database_url).set(username=role, password=None).render_as_string(False)


def give_to_owner(database_url: str) -> str:
    """Make ``OWNER_ROLE`` (and ``APP_ROLE``) exist and own ``database_url``'s database, as
    the superuser of ``database_url``; returns the URL connecting as the owner."""
    database = make_url(database_url).database
    with psycopg.connect(conninfo(database_url), autocommit=True) as conn:
        for role in (OWNER_ROLE, APP_ROLE):
            ensure_role(conn, role)
        conn.execute(f'ALTER DATABASE "{database}" OWNER TO {OWNER_ROLE}')
    return role_url(database_url, OWNER_ROLE)


def conninfo(database_url: str) -> str:
    """``database_url`` as psycopg takes it (without SQLAlchemy's driver name)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


def ensure_role(conn: psycopg.Connection[Any], role: str) -> None:
    """Create the ordinary login ``role`` unless it exists (test runs may race to it)."""
    conn.execute(
        "DO $$BEGIN "
        f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END$$"
    )


@contextmanager
def keep_jobs_bound() -> Iterator[None]:
    """Let a test build another app (``create_app`` binds the jobs to the newest app and
    its broker) and afterwards bind the jobs back to the app and broker they had."""
    bound_app, bound_broker = jobs._app, jobs._broker
    try:
        yield
    finally:
        jobs._app, jobs._broker = bound_app, bound_broker
        dramatiq.set_broker(bound_broker)
        for declared in jobs._actors:
            jobs.bind(declared, bound_broker)


def dispose(app: Flask) -> None:
    """Close the app's pooled connections (before its database is dropped)."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


_owner_engines: dict[str, Engine] = {}


def empty_tables() -> None:
    """Delete every row (children first) so the next test starts from an empty hub.

    On PostgreSQL this is done as the tables' owner: the app's role may not empty the
    audit log or delete transfers, by design.
    """
    session = db.session
    session.rollback()
    owner_url = current_app.config.get("LETS_TEST_OWNER_URL")
    if owner_url:
        engine = _owner_engines.get(owner_url) or create_engine(owner_url, poolclass=NullPool)
        _owner_engines[owner_url] = engine
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return
    for table in reversed(db.metadata.sorted_tables):
        session.execute(table.delete())
    session.commit()


class Api:
    """A thin JSON client for the API under test, acting as one person (or nobody).

    Each call runs in an app context of its own, with its own database session, as a
    request does in production; the test's session is committed first so that it holds
    no transaction (and so no SQLite lock) while the request runs, and its objects are
    reloaded afterwards.
    """

    def __init__(self, client: FlaskClient, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def as_(self, token: str | None) -> Api:
        return Api(self.client, token)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        db.session.commit()
        before = scope.current()
        try:
            with self.client.application.app_context():
                return self.client.open("/api/v1" + path, method=method, **kwargs)
        finally:
            scope.reset(before)

    def get(self, path: str, headers: dict[str, str] | None = None, **query: Any) -> Any:
        return self.call("GET", path, headers=self._headers(headers), query_string=query)

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.call(
            "POST", path, json=body if body is not None else {}, headers=self._headers(headers)
        )

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.call("PATCH", path, json=body, headers=self._headers(headers))

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.call("DELETE", path, headers=self._headers(headers))


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert ``response`` is a problem document with ``status`` and ``code``; return it."""
    body = response.get_json(force=True, silent=True) or {}
    assert (response.status_code, body.get("code")) == (status, code), body
    assert response.mimetype == "application/problem+json"
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == status and body["detail"]
    return dict(body)


def db_state() -> dict[str, Any]:
    """Everything a refused request must leave as it was: every table's row count, and
    each account's balance, held, limits and status, and each invoice's state."""
    db.session.commit()
    state: dict[str, Any] = {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    tables = db.metadata.tables
    accounts = tables["accounts"]
    state["accounts:values"] = sorted(
        tuple(row)
        for row in db.session.execute(
            select(
                accounts.c.scheme_id,
                accounts.c.name,
                accounts.c.balance,
                accounts.c.held,
                accounts.c.min_balance,
                accounts.c.max_balance,
                accounts.c.status,
            )
        )
    )
    invoices = tables["invoices"]
    state["invoices:states"] = sorted(
        (str(i), s) for i, s in db.session.execute(select(invoices.c.id, invoices.c.state))
    )
    return state


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The statements the app's engine sends while the block runs, in order (what goes
    through SQLAlchemy; a server-side call made alone on a raw connection, ``db.alone``,
    sends none of them)."""
    sent: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
