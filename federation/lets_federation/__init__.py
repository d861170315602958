"""Everything between schemes: exchange rates, inter-scheme trades, positions and limits.

Each scheme's currency has an exact rate to the federation unit; a trade between members
of two schemes is held in the payer's scheme, then cleared by a job that posts both legs
and moves the schemes' federation positions in one transaction (see ``units`` for the
rounding rule and ``trades.settlement`` for the life of a trade).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from lets_platform import demo as demo_registry
from lets_platform import invariants, jobs
from lets_platform.api import register
from lets_platform.signals import scheme_provisioned

#: What one federation unit stands for: the common measure the schemes' rates refer to.
FEDERATION_UNIT = "one hour of time"
#: Seconds a trade may stay pending before the sweep expires it and releases its hold.
DEFAULT_TRADE_TTL = 3600
#: Seconds after which the sweep re-sends clearing for a trade still pending.
DEFAULT_RESEND_AFTER = 60
#: Other pending trades one clearing job may settle with its own, in one transaction.
DEFAULT_BATCH_SIZE = 50
#: Milliseconds a clearing job waits after a batch that was not full, for more trades.
DEFAULT_LINGER_MS = 20


def _open_federation_books(scheme: Any, actor: Any = None, **_: Any) -> None:
    from lets_federation.positions.operations import ensure_position
    from lets_federation.rates.operations import record_initial_rate

    ensure_position(scheme.id)
    record_initial_rate(scheme, actor)


def init_app(app: Flask) -> None:
    from lets_federation import cli, models  # noqa: F401  (models declares the tables)
    from lets_federation.checks import check_federation
    from lets_federation.demo import seed
    from lets_federation.positions.api import blp as positions
    from lets_federation.rates.api import blp as rates
    from lets_federation.trades import tasks
    from lets_federation.trades.api import blp as trades

    env = os.environ
    app.config.setdefault("LETS_FEDERATION_UNIT", FEDERATION_UNIT)
    app.config.setdefault(
        "LETS_FEDERATION_TRADE_TTL", int(env.get("LETS_FEDERATION_TRADE_TTL", DEFAULT_TRADE_TTL))
    )
    app.config.setdefault(
        "LETS_FEDERATION_RESEND_AFTER",
        int(env.get("LETS_FEDERATION_RESEND_AFTER", DEFAULT_RESEND_AFTER)),
    )
    app.config.setdefault(
        "LETS_FEDERATION_BATCH_SIZE",
        int(env.get("LETS_FEDERATION_BATCH_SIZE", DEFAULT_BATCH_SIZE)),
    )
    app.config.setdefault(
        "LETS_FEDERATION_LINGER_MS",
        int(env.get("LETS_FEDERATION_LINGER_MS", DEFAULT_LINGER_MS)),
    )
    for blueprint in (rates, trades, positions):
        register(app, blueprint)
    scheme_provisioned.connect(_open_federation_books)
    invariants.register("federation", check_federation)
    demo_registry.register(20, "federation", seed)
    jobs.every(tasks.SWEEP_EVERY, tasks.sweep_trades)
    cli.init_app(app)
    from lets_federation import clearing, invoices, windup

    clearing.init_app(app)
    invoices.init_app(app)
    windup.init_app(app)
    from lets_federation import pages

    pages.init_app(app)
    from lets_federation import migration

    migration.init_app(app)
    from lets_federation import hub

    hub.init_app(app)
