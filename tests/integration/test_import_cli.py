"""``lets schemes import``: an operator brings a legacy scheme in from CSV files."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import create_engine, text

from lets_platform import testing
from lets_platform.app import create_app
from lets_platform.cli import main

SAMPLES = files("lets_tenants.imports") / "samples"


@pytest.fixture
def lets(tmp_path) -> Iterator:
    """Run ``lets ...`` against a fresh database with the scheme ``wiltshire`` in it."""
    with testing.test_database() as url:
        env = {
            "LETS_DATABASE_URL": url,
            "LETS_INSTANCE_PATH": str(tmp_path),
            "LETS_PASSWORD_HASH": "fast",
            "LETS_REDIS_URL": "",
        }

        def run(*args: str, ok: bool = True):
            apps = []

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

        run.url = url  # type: ignore[attr-defined]
        run("db", "upgrade")
        run("schemes", "create", "wiltshire", "--name", "Wiltshire", "--currency-code", "WES",
            "--currency-name", "WES units", "--default-min-balance", "-100.00")  # fmt: skip
        yield run


def _import(lets, *args: str, ok: bool = True):
    return lets("schemes", "import", "wiltshire", *args, ok=ok)


def test_the_sample_files_import_and_the_audit_passes(lets):
    accounts, offers = str(SAMPLES / "accounts.csv"), str(SAMPLES / "offers.csv")

    result = _import(lets, "--accounts", accounts, "--offers", offers)

    assert "imported 4 members, 1 central accounts, 3 offers" in result.output
    assert "total credit 47.50" in result.output
    assert "audit passed" in lets("audit", "wiltshire").output
    listed = lets("members", "list", "wiltshire").output
    assert "mary\t42.50\tMary Moss" in listed and "tom\t-30.00\tTom Tiler" in listed


def test_a_bad_file_exits_non_zero_listing_every_problem_and_writes_nothing(lets, tmp_path):
    bad = tmp_path / "legacy.csv"
    bad.write_text(
        "handle,display_name,email,balance\n"
        "mary,Mary,not-an-email,1.00\n"
        "Tom,Tom,tom@example.org,-1.00\n"
    )

    result = _import(lets, "--accounts", str(bad), ok=False)

    assert result.exit_code == 1
    assert "legacy.csv:2 [email]: email_invalid" in result.output
    assert "legacy.csv:3 [handle]: handle_invalid" in result.output
    assert "error: import_invalid" in result.output
    assert lets("members", "list", "wiltshire").output == ""


def test_a_dry_run_says_what_it_would_import_and_writes_nothing(lets):
    result = _import(lets, "--accounts", str(SAMPLES / "accounts.csv"), "--dry-run")

    assert "would import 4 members" in result.output
    assert lets("members", "list", "wiltshire").output == ""


def test_the_importer_named_with_by_is_recorded(lets):
    lets("users", "add", "nadia@letslink.test", "--name", "Nadia", "--admin")

    _import(lets, "--accounts", str(SAMPLES / "accounts.csv"), "--by", "nadia@letslink.test")

    engine = create_engine(lets.url)
    with engine.connect() as connection:
        who = connection.execute(
            text("SELECT p.email FROM imports i JOIN persons p ON p.id = i.actor_id")
        ).scalars()
        assert list(who) == ["nadia@letslink.test"]
    engine.dispose()
