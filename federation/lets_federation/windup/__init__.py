"""Winding up a scheme: the decision, the repayment period, notices and members' choices.

Per the constitutions, a two-thirds ballot puts a scheme in ``winding_up``: trading goes
on but no account goes further into debit, no new member joins, debtors get until a
deadline to repay, and each member chooses where their balance goes (another scheme, or
the regional pool). The balance migration then moves every balance (``migration``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Tables, API (wind-up and pools), ``lets schemes wind-up*``, the notice job, the demo."""
    from lets_federation.pools.api import blp as pools
    from lets_federation.windup import cli, models, tasks  # noqa: F401  (tables, actors)
    from lets_federation.windup.api import blp as wind_up
    from lets_federation.windup.demo import seed
    from lets_platform import demo
    from lets_platform.api import register

    register(app, wind_up)
    register(app, pools)
    cli.init_app(app)
    demo.register(50, "wind-up", seed)  # after the federation's rates, trades and clearing
