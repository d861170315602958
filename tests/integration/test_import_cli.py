"""``lets schemes import``: an operator brings a legacy scheme in from CSV files."""

from __future__ import annotations

from importlib.resources import files

import pytest
from sqlalchemy import create_engine, text

SAMPLES = files("lets_tenants.imports") / "samples"


@pytest.fixture
def lets(lets):
    """``lets ...`` against a fresh database with the scheme ``wiltshire`` in it."""
    lets(
        "schemes",
        "create",
        "wiltshire",
        "--name",
        "Wiltshire",
        "--currency-code",
        "WES",
        "--currency-name",
        "WES units",
        "--default-min-balance",
        "-100.00",
    )
    return lets


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
