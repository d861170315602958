"""``lets schemes merge`` and ``lets schemes wind-up-migrate`` as an operator uses them: the
job starts, ``--follow`` draws its progress until every account is closed at zero (with
the embedded broker the command runs the batches itself), and refusals exit 1 by name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from lets_platform import testing
from lets_platform.app import create_app
from lets_platform.cli import main


@pytest.fixture
def lets(tmp_path) -> Iterator:
    """``lets ...`` against a fresh database: wiltshire (alice paid bob) and bright."""
    with testing.test_database() as url:
        env = {
            "LETS_DATABASE_URL": url,
            "LETS_INSTANCE_PATH": str(tmp_path),
            "LETS_PASSWORD_HASH": "fast",
            "LETS_REDIS_URL": "",
        }

        def run(*args: str, ok: bool = True):
            apps: list[Flask] = []

            def create() -> Flask:
                apps.append(create_app())
                return apps[-1]

            result = CliRunner().invoke(
                main, list(args), env=env, catch_exceptions=False, obj=ScriptInfo(create_app=create)
            )
            for app in apps:
                testing.dispose(app)
            if ok:
                assert result.exit_code == 0, result.output
            return result

        run("db", "upgrade")
        for slug, code, rate in (("wiltshire", "WES", "10"), ("bright", "LNK", "12")):
            run(
                "schemes",
                "create",
                slug,
                "--name",
                slug.title(),
                "--currency-code",
                code,
                "--currency-name",
                code,
                "--rate",
                rate,
                "--default-min-balance",
                "-100.00",
            )
        for handle in ("alice", "bob"):
            run(
                "members",
                "add",
                "wiltshire",
                f"{handle}@x.test",
                "--handle",
                handle,
                "--name",
                handle.title(),
            )
        run("transfers", "create", "wiltshire", "alice", "bob", "10.00")
        yield run


def test_a_merge_started_from_the_shell_reports_its_progress(lets):
    result = lets("schemes", "merge", "wiltshire", "--into", "bright")
    assert "of wiltshire: 0/2 moved (running)" in result.output


def test_a_followed_merge_runs_to_the_end_and_the_audit_passes(lets):
    result = lets("schemes", "merge", "wiltshire", "--into", "bright", "--follow")
    assert "finished: every account is closed at zero" in result.output
    assert "audit passed" in lets("audit").output
    again = lets("schemes", "merge", "wiltshire", "--into", "bright")
    assert "of wiltshire: 2/2 moved (finished)" in again.output


def test_a_scheme_that_is_not_winding_up_is_refused_by_name(lets):
    result = lets("schemes", "wind-up-migrate", "wiltshire", ok=False)
    assert result.exit_code == 1
    assert "not_winding_up" in result.output
