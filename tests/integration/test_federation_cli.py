"""``lets federation`` as an operator uses it: rates, limits, a trade, positions, the audit."""

from __future__ import annotations

import pytest


@pytest.fixture
def lets(lets):
    """``lets ...`` against a fresh database with two schemes and a member in each."""
    for slug, code in (("wiltshire", "WES"), ("bright", "LNK")):
        lets(
            "schemes",
            "create",
            slug,
            "--name",
            slug.title(),
            "--currency-code",
            code,
            "--currency-name",
            code,
            "--default-min-balance",
            "-100.00",
        )
    lets("members", "add", "wiltshire", "alice@x.test", "--handle", "alice", "--name", "Alice")
    lets("members", "add", "bright", "bob@x.test", "--handle", "bob", "--name", "Bob")
    return lets


def test_an_operator_sets_rates_and_limits_and_clears_a_trade(lets):
    lets("federation", "set-rate", "wiltshire", "10")
    lets("federation", "set-rate", "bright", "25/2")
    lets("federation", "set-limits", "wiltshire", "--max-deficit", "5")

    traded = lets("federation", "trade", "wiltshire/alice", "bright/bob", "20.00", "--now")

    assert traded.output.split("\t")[1] == "cleared"
    assert "bright\tLNK\t25/2" in lets("federation", "rates").output
    positions = lets("federation", "positions").output
    assert "wiltshire\t-2.000000\tdeficit<=5.000000" in positions
    assert "bright\t2.000000" in positions
    assert "audit passed" in lets("audit").output


def test_a_trade_beyond_the_limit_is_reported_rejected(lets):
    lets("federation", "set-limits", "wiltshire", "--max-deficit", "1")

    traded = lets("federation", "trade", "wiltshire/alice", "bright/bob", "2.00", "--now")

    assert traded.output.strip().split("\t")[1:] == ["rejected", "exceeds_federation_limit"]


def test_a_bad_rate_exits_1_with_its_code(lets):
    result = lets("federation", "set-rate", "bright", "1/0", ok=False)

    assert result.exit_code == 1
    assert "rate_invalid" in result.output


def test_the_sweep_reports_what_it_did(lets):
    lets("federation", "trade", "wiltshire/alice", "bright/bob", "1.00")

    assert lets("federation", "sweep").output.strip() == "0 expired, 0 re-sent"
