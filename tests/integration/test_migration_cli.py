"""``lets schemes merge`` and ``lets schemes wind-up-migrate`` as an operator uses them: the
job starts, ``--follow`` draws its progress until every account is closed at zero (with
the embedded broker the command runs the batches itself), and refusals exit 1 by name."""

from __future__ import annotations

import pytest


@pytest.fixture
def lets(lets):
    """``lets ...`` against a fresh database: wiltshire (alice paid bob) and bright."""
    for slug, code, rate in (("wiltshire", "WES", "10"), ("bright", "LNK", "12")):
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
            "--rate",
            rate,
            "--default-min-balance",
            "-100.00",
        )
    for handle in ("alice", "bob"):
        lets(
            "members",
            "add",
            "wiltshire",
            f"{handle}@x.test",
            "--handle",
            handle,
            "--name",
            handle.title(),
        )
    lets("transfers", "create", "wiltshire", "alice", "bob", "10.00")
    return lets


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
