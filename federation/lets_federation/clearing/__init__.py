"""Clearing runs: periodic reports of net positions, bilateral flows and netting savings."""

from __future__ import annotations

import os

from flask import Flask
from flask.cli import AppGroup


def init_app(app: Flask) -> None:
    """The API, the hourly job, the demo run and ``lets federation clear`` (added to the
    federation group when there is one)."""
    from lets_federation.clearing.api import blp
    from lets_federation.clearing.cli import clear
    from lets_federation.clearing.demo import seed
    from lets_federation.clearing.operations import DEFAULT_NEAR_LIMIT_PERCENT
    from lets_federation.clearing.tasks import EVERY_SECONDS, clearing_run
    from lets_platform import demo, jobs
    from lets_platform.api import register

    app.config.setdefault(
        "LETS_CLEARING_NEAR_LIMIT_PERCENT",
        int(os.environ.get("LETS_CLEARING_NEAR_LIMIT_PERCENT", DEFAULT_NEAR_LIMIT_PERCENT)),
    )
    register(app, blp)
    jobs.every(EVERY_SECONDS, clearing_run)
    demo.register(40, "federation-clearing", seed)  # after the federation's trades (20)
    group = app.cli.commands.get("federation")
    if not isinstance(group, AppGroup):
        group = AppGroup("federation", help="The federation of schemes.")
        app.cli.add_command(group)
    group.add_command(clear)
