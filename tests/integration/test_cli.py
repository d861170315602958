"""The ``lets`` command as an operator uses it: set up, provision, pay, audit, demo."""

from __future__ import annotations

import re

from sqlalchemy import create_engine, text

from lets_platform import testing


def test_tokens_issue_prints_only_a_token_that_the_api_accepts(lets):
    lets("users", "add", "nadia@letslink.test", "--name", "Nadia", "--admin")

    output = lets("tokens", "issue", "nadia@letslink.test").stdout

    assert re.fullmatch(r"lets_[A-Za-z0-9_-]{40,}\n", output)
    app = testing.make_app(lets.url)
    response = app.test_client().get(
        "/api/v1/schemes", headers={"Authorization": f"Bearer {output.strip()}"}
    )
    assert response.status_code == 200
    testing.dispose(app)


def test_adding_a_person_twice_is_a_named_error(lets):
    lets("users", "add", "alice@example.org", "--name", "Alice")

    result = lets("users", "add", "alice@example.org", "--name", "Alice", ok=False)

    assert result.exit_code == 1
    assert "person_exists" in result.output


def test_audit_passes_on_sound_books_and_fails_with_a_report_on_broken_ones(lets):
    lets(
        "schemes",
        "create",
        "wiltshire",
        "--name",
        "Wiltshire Exchange Scheme",
        "--currency-code",
        "WES",
        "--currency-name",
        "WES units",
        "--default-min-balance",
        "-50.00",
    )
    lets("members", "add", "wiltshire", "alice@example.org", "--handle", "alice", "--name", "A")
    lets("members", "add", "wiltshire", "bob@example.org", "--handle", "bob", "--name", "B")
    lets("transfers", "create", "wiltshire", "alice", "bob", "7.50", "--memo", "Eggs")
    assert "audit passed" in lets("audit", "wiltshire").output

    engine = create_engine(testing.normalise_database_url(lets.url))
    with engine.begin() as connection:
        connection.execute(text("UPDATE accounts SET balance = balance + 1 WHERE name = 'bob'"))
    engine.dispose()
    result = lets("audit", ok=False)

    assert result.exit_code == 1
    assert "zero_sum" in result.output
    assert "balance_matches_transfers" in result.output


def test_a_refused_transfer_exits_non_zero_with_its_code(lets):
    lets(
        "schemes",
        "create",
        "bright",
        "--name",
        "The Bright Exchange",
        "--currency-code",
        "LNK",
        "--currency-name",
        "Links",
    )
    lets("members", "add", "bright", "bob@example.org", "--handle", "bob", "--name", "Bob")
    lets("members", "add", "bright", "gita@example.org", "--handle", "gita", "--name", "Gita")

    result = lets("transfers", "create", "bright", "bob", "gita", "5.00", ok=False)

    assert result.exit_code == 1
    assert "exceeds_credit_limit" in result.output


def test_demo_seeds_three_schemes_once_and_prints_tokens(lets):
    first = lets("demo", "--no-serve").output
    second = lets("demo", "--no-serve").output

    assert "lets demo seeded" in first
    assert "not re-seeded" in second
    assert re.search(r"alice@demo\.lets\s+Alice Archer\s+lets_", first)
    listing = lets("schemes", "list").output
    for slug in ("wiltshire", "bright", "london"):
        assert slug in listing
    assert "audit passed" in lets("audit").output
