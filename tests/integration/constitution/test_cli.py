"""``lets constitution`` and ``lets schemes create --constitution`` from the shell."""

from __future__ import annotations


def test_a_scheme_created_on_a_template_shows_its_rules_with_their_clauses(lets):
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
        "--constitution",
        "bright",
    )

    shown = lets("constitution", "show", "bright").output

    assert "version 1 (bright)" in shown
    assert "9.2" in shown and "Members whose request calls an EGM: 4" in shown
    assert "12.2" in shown and "two thirds of the whole membership" in shown
    assert "minutes reminders: 0" in lets("constitution", "sweep").output


def test_an_unknown_template_is_refused_by_name(lets):
    result = lets(
        "schemes",
        "create",
        "avon",
        "--name",
        "Avon",
        "--currency-code",
        "AVN",
        "--currency-name",
        "Avons",
        "--constitution",
        "atlantis",
        ok=False,
    )

    assert result.exit_code == 1 and "template_unknown" in result.output


def test_the_governance_sweep_runs_every_hour_from_the_scheduler(ctx):
    from lets_platform import jobs

    periodic = jobs.periodic()["governance_sweep"]
    assert periodic.seconds == 3600
