"""The embedded default (SQLite, no Redis): ``lets serve`` and ``lets demo`` serve with the
worker and the scheduler in their own process, unaffected by the database-role refusal."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from lets_platform import testing


@pytest.fixture
def served(monkeypatch) -> list[str]:
    """What ``lets serve`` would have served (werkzeug's server is not started)."""
    calls: list[str] = []
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda host, *a, **k: calls.append(host))
    monkeypatch.setattr("lets_platform.jobs.start_in_process_worker", lambda *a, **k: None)
    monkeypatch.setattr("lets_platform.scheduler.start_in_process_scheduler", lambda *a: None)
    return calls


def test_serve_on_sqlite_is_unaffected(served, tmp_path):
    from lets_platform.app import create_app
    from lets_platform.cli import main

    with testing.keep_jobs_bound():
        env = {"LETS_DATABASE_URL": f"sqlite:///{tmp_path}/lets.sqlite", "LETS_REDIS_URL": ""}
        result = CliRunner().invoke(
            main,
            ["serve"],
            env={**env, "LETS_INSTANCE_PATH": str(tmp_path)},
            obj=ScriptInfo(create_app=create_app),
        )

    assert result.exit_code == 0, result.output
    assert served == ["127.0.0.1"]


def test_demo_serves_with_no_transaction_of_its_own_left_open_on_sqlite(monkeypatch, tmp_path):
    """A transaction the command left open (SQLite begins each IMMEDIATE) would hold the
    write lock while serving: the web, the worker and the scheduler could write nothing."""
    import sqlite3

    from lets_platform.app import create_app
    from lets_platform.cli import main

    writes: list[str] = []

    def serve(*args: Any, **kwargs: Any) -> None:
        other = sqlite3.connect(tmp_path / "lets.sqlite", timeout=0.5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            writes.append("written")
        except sqlite3.OperationalError as exc:
            writes.append(str(exc))
        finally:
            other.close()

    monkeypatch.setattr("werkzeug.serving.run_simple", serve)
    monkeypatch.setattr("lets_platform.jobs.start_in_process_worker", lambda *a, **k: None)
    monkeypatch.setattr("lets_platform.scheduler.start_in_process_scheduler", lambda *a: None)
    env = {"LETS_INSTANCE_PATH": str(tmp_path), "LETS_REDIS_URL": "", "LETS_DATABASE_URL": ""}
    with testing.keep_jobs_bound():
        result = CliRunner().invoke(main, ["demo"], env=env, obj=ScriptInfo(create_app=create_app))

    assert result.exit_code == 0, result.output
    assert writes == ["written"]
