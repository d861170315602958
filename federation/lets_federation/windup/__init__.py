"""Winding up a scheme: the decision, the repayment period, notices and members' choices.

Per the constitutions, a two-thirds ballot puts a scheme in ``winding_up``: trading goes
on but no account goes further into debit, no new member joins, debtors get until a
deadline to repay, and each member chooses where their balance goes (another scheme, or
the regional pool). The balance migration then moves every balance (``migration``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def _start_wind_up(scheme: Any, ballot: Any, actor: Any = None, **_: Any) -> None:
    """A scheme's own wind-up ballot carried: the wind-up starts from its counted votes."""
    from lets_federation.windup.operations import decide

    decide(
        scheme,
        votes_for=ballot.votes_for,
        votes_against=ballot.votes_against,
        votes_abstaining=ballot.votes_abstaining,
        meeting_date=ballot.closed_at.date(),
        deadline=ballot.wind_up_deadline,
        ballot_id=ballot.id,
        actor=actor,
    )


def init_app(app: Flask) -> None:
    """Tables, API (wind-up and pools), ``lets schemes wind-up*``, the notice job, the demo."""
    from lets_federation.pools.api import blp as pools
    from lets_federation.windup import cli, models, tasks  # noqa: F401  (tables, actors)
    from lets_federation.windup.api import blp as wind_up
    from lets_federation.windup.demo import seed
    from lets_platform import demo
    from lets_platform.api import register
    from lets_platform.signals import wind_up_ballot_passed

    wind_up_ballot_passed.connect(_start_wind_up)
    register(app, wind_up)
    register(app, pools)
    cli.init_app(app)
    demo.register(50, "wind-up", seed)  # after the federation's rates, trades and clearing
