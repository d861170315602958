"""Winding up a scheme: the decision, the repayment period, notices and members' choices.

Per the constitutions, a two-thirds ballot puts a scheme in ``winding_up``: trading goes
on but no account goes further into debit, no new member joins, debtors get until a
deadline to repay, and each member chooses where their balance goes (another scheme, or
the regional pool). The balance migration then moves every balance (``migration``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Tables, API, CLI, the notice job and the demo scheme."""
    from lets_federation.windup import models  # noqa: F401  (declares the tables)
