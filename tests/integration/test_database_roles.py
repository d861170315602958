"""The production set-up on a real PostgreSQL: deploy/postgres/roles.sql makes an owner and
an app role, ``lets db upgrade`` (as the owner) grants the app role, and the serving
entry points refuse a superuser or an owner unless told otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import make_url

from lets_platform import testing

pytestmark = pytest.mark.skipif(
    testing.postgres_server_url() is None, reason="needs PostgreSQL (LETS_TEST_DATABASE_URL)"
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hub(tmp_path) -> Iterator[SimpleNamespace]:
    """A fresh database given to the test owner role; ``.url(role)`` connects as a role,
    ``.superuser`` is the server's own; ``lets(*args, role=...)`` runs the command as
    a shell would, connected as that role."""
    with testing.test_database("postgresql") as superuser, testing.keep_jobs_bound():
        testing.give_to_owner(superuser)

        def url(role: str) -> str:
            return testing.role_url(superuser, role)

        def lets(*args: str, role: str, **env: str) -> Any:
            from lets_platform.app import create_app
            from lets_platform.cli import main

            apps: list[Flask] = []

            def create() -> Flask:
                apps.append(create_app())
                return apps[-1]

            environment = {
                "LETS_DATABASE_URL": superuser if role == "superuser" else url(role),
                "LETS_INSTANCE_PATH": str(tmp_path),
                "LETS_REDIS_URL": "",
                "LETS_DATABASE_APP_ROLE": "",
                "LETS_ALLOW_PRIVILEGED_DATABASE_ROLE": "",
                **env,
            }
            result = CliRunner().invoke(
                main, list(args), env=environment, obj=ScriptInfo(create_app=create)
            )
            for app in apps:
                testing.dispose(app)
            return result

        yield SimpleNamespace(superuser=superuser, url=url, lets=lets)


def _refused(url: str, statement: str) -> str | None:
    """The error PostgreSQL gives ``statement`` run at ``url``, or None if it ran."""
    with psycopg.connect(testing.conninfo(url)) as conn:
        try:
            conn.execute("SELECT set_config('lets.schemes', '*', false)")
            conn.execute(statement)
        except psycopg.Error as exc:
            return str(exc)
    return None


def test_db_upgrade_as_the_owner_grants_the_app_role_what_it_needs_and_no_more(hub):
    result = hub.lets(
        "db", "upgrade", role=testing.OWNER_ROLE, LETS_DATABASE_APP_ROLE="lets_test_app"
    )

    assert result.exit_code == 0, result.output
    assert "granted lets_test_app" in result.output
    app = hub.url(testing.APP_ROLE)
    assert _refused(app, "SELECT count(*) FROM accounts") is None
    assert (
        _refused(app, "INSERT INTO networks (slug, name, created_at) VALUES ('w', 'W', now())")
        is None
    )
    assert "permission denied" in _refused(app, "DELETE FROM audit_log")
    assert "must be owner" in _refused(app, "ALTER TABLE transfers NO FORCE ROW LEVEL SECURITY")


def test_db_upgrade_refuses_to_grant_the_owner_itself_as_the_app_role(hub):
    result = hub.lets(
        "db", "upgrade", role=testing.OWNER_ROLE, LETS_DATABASE_APP_ROLE=testing.OWNER_ROLE
    )

    assert result.exit_code == 1
    assert "must be an ordinary role other than the owner" in result.output


def test_db_upgrade_without_an_app_role_warns_that_none_was_granted(hub):
    result = hub.lets("db", "upgrade", role=testing.OWNER_ROLE)

    assert result.exit_code == 0
    assert "LETS_DATABASE_APP_ROLE is unset" in result.output


@pytest.fixture
def upgraded(hub) -> SimpleNamespace:
    result = hub.lets(
        "db", "upgrade", role=testing.OWNER_ROLE, LETS_DATABASE_APP_ROLE=testing.APP_ROLE
    )
    assert result.exit_code == 0, result.output
    return hub


@pytest.fixture
def served(monkeypatch) -> list[str]:
    """What ``lets serve`` would have served (werkzeug's server is not started)."""
    calls: list[str] = []
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda host, *a, **k: calls.append(host))
    monkeypatch.setattr("lets_platform.jobs.start_in_process_worker", lambda *a, **k: None)
    monkeypatch.setattr("lets_platform.scheduler.start_in_process_scheduler", lambda *a: None)
    return calls


@pytest.mark.parametrize(
    ("role", "reason"),
    [("superuser", "is a superuser"), (testing.OWNER_ROLE, "owns the database")],
)
def test_serve_refuses_a_superuser_or_the_owner_with_a_clear_message(
    upgraded, served, role, reason
):
    result = upgraded.lets("serve", role=role)

    assert result.exit_code == 2
    assert served == []
    assert reason in result.output
    assert "LETS_ALLOW_PRIVILEGED_DATABASE_ROLE=1" in result.output


def test_serve_starts_as_the_app_role(upgraded, served):
    result = upgraded.lets("serve", role=testing.APP_ROLE)

    assert result.exit_code == 0, result.output
    assert served == ["127.0.0.1"]


def test_the_documented_override_lets_a_superuser_serve(upgraded, served):
    result = upgraded.lets("serve", role="superuser", LETS_ALLOW_PRIVILEGED_DATABASE_ROLE="1")

    assert result.exit_code == 0, result.output
    assert served == ["127.0.0.1"]


def test_worker_refuses_the_owner_before_starting_dramatiq(upgraded, monkeypatch):
    started: list[Any] = []
    monkeypatch.setattr(os, "execv", lambda *args: started.append(args))

    result = upgraded.lets("worker", role=testing.OWNER_ROLE)

    assert result.exit_code == 2
    assert started == []
    assert "owns the database" in result.output


def test_scheduler_refuses_a_superuser(upgraded, monkeypatch):
    ran: list[Any] = []
    monkeypatch.setattr("lets_platform.scheduler.run_scheduler", lambda *a: ran.append(a))

    result = upgraded.lets("scheduler", role="superuser")

    assert result.exit_code == 2
    assert ran == []
    assert "is a superuser" in result.output


def _run(command: list[str], url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LETS_DATABASE_URL": url,
        "LETS_INSTANCE_PATH": str(tmp_path),
        "LETS_SECRET_KEY": "test",
        "LETS_REDIS_URL": "",
    }
    env.pop("LETS_ALLOW_PRIVILEGED_DATABASE_ROLE", None)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_gunicorn_refuses_to_serve_as_the_owner(upgraded, tmp_path):
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "--bind", "127.0.0.1:0", "--workers", "1", "lets_platform.wsgi:app"]

    done = _run(command, upgraded.url(testing.OWNER_ROLE), tmp_path)

    assert done.returncode != 0
    assert "refusing to serve: the database role 'lets_test_owner' owns the database" in done.stderr


def test_a_dramatiq_worker_refuses_to_load_as_the_owner(upgraded, tmp_path):
    command = [sys.executable, "-m", "dramatiq", "lets_platform.worker", "--processes", "1"]

    done = _run(command, upgraded.url(testing.OWNER_ROLE), tmp_path)

    assert done.returncode != 0
    assert "refusing to serve" in done.stderr


@pytest.fixture
def shipped_roles() -> Iterator[SimpleNamespace]:
    """deploy/postgres/roles.sql run by psql as the server's superuser, under names of this
    test's own (roles are shared by the whole server); dropped after."""
    if shutil.which("psql") is None:
        pytest.skip("needs psql")
    server = make_url(testing.postgres_server_url() or "")
    suffix = uuid.uuid4().hex[:8]
    names = SimpleNamespace(
        owner=f"lets_owner_{suffix}", app=f"lets_app_{suffix}", database=f"lets_{suffix}"
    )
    psql = ["psql", "-X", "-q", "-h", server.host or "127.0.0.1", "-p", str(server.port or 5432)]
    psql += ["-U", server.username or "postgres", "-d", server.database or "postgres"]
    env = {**os.environ, "PGPASSWORD": server.password or ""}
    variables = [f"-v{k}={v}" for k, v in vars(names).items()]
    try:
        for _ in range(2):  # running it again changes nothing
            subprocess.run(
                [*psql, *variables, "-f", str(ROOT / "deploy/postgres/roles.sql")],
                env=env,
                check=True,
                capture_output=True,
                timeout=60,
            )
        names.url = lambda role: server.set(
            drivername="postgresql+psycopg", username=role, password=None, database=names.database
        ).render_as_string(False)
        yield names
    finally:
        with psycopg.connect(
            testing.conninfo(testing.postgres_server_url() or ""), autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{names.database}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{names.app}"')
            conn.execute(f'DROP ROLE IF EXISTS "{names.owner}"')


def test_the_shipped_roles_sql_and_db_upgrade_make_an_app_role_that_rls_binds(
    shipped_roles, tmp_path
):
    from lets_platform import dbroles
    from lets_platform.app import create_app
    from lets_platform.cli import main

    env = {
        "LETS_DATABASE_URL": shipped_roles.url(shipped_roles.owner),
        "LETS_DATABASE_APP_ROLE": shipped_roles.app,
        "LETS_INSTANCE_PATH": str(tmp_path),
        "LETS_REDIS_URL": "",
    }
    apps: list[Flask] = []

    def create() -> Flask:
        apps.append(create_app())
        return apps[-1]

    with testing.keep_jobs_bound():
        result = CliRunner().invoke(
            main, ["db", "upgrade"], env=env, obj=ScriptInfo(create_app=create)
        )
        apps.append(create_app({"SQLALCHEMY_DATABASE_URI": shipped_roles.url(shipped_roles.app)}))
        try:
            assert result.exit_code == 0, result.output
            dbroles.refuse_privileged(apps[-1])  # the app role may serve
        finally:
            for made in apps:
                testing.dispose(made)

    app = shipped_roles.url(shipped_roles.app)
    assert _refused(app, "SELECT count(*) FROM transfers") is None
    assert "permission denied" in _refused(app, "DELETE FROM audit_log")
    assert "permission denied" in _refused(app, "UPDATE transfers SET amount = 1")
    assert "must be owner" in _refused(app, "ALTER TABLE transfers NO FORCE ROW LEVEL SECURITY")
    assert "permission denied" in _refused(app, "CREATE TABLE mine (id int)")
    with psycopg.connect(testing.conninfo(app)) as conn:
        assert conn.execute(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        ).fetchone() == (False, False)
        assert conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> %s",
            (shipped_roles.owner,),
        ).fetchone() == (0,)
