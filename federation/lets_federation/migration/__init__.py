"""Balance migration: a wind-up's or a merge's exactly-once job, its progress, its closure
report (CSV, PDF) and the read-only guard of a closed scheme (see ``operations``)."""

from __future__ import annotations

import os

from flask import Flask


def init_app(app: Flask) -> None:
    """The API, the resume sweep, the ``lets schemes`` commands and the closed-scheme guard."""
    from lets_federation.migration import models  # noqa: F401  (declares the tables)
    from lets_federation.migration.api import blp, refuse_closed
    from lets_federation.migration.cli import init_cli
    from lets_federation.migration.operations import BATCH_SIZE
    from lets_federation.migration.tasks import RESUME_EVERY, resume_migrations
    from lets_platform import demo, jobs
    from lets_platform.api import register
    from lets_tenants.context import guard_writes

    app.config.setdefault(
        "LETS_MIGRATION_BATCH_SIZE", int(os.environ.get("LETS_MIGRATION_BATCH_SIZE", BATCH_SIZE))
    )
    register(app, blp)
    guard_writes(app, refuse_closed)
    jobs.every(RESUME_EVERY, resume_migrations)
    init_cli(app)
    from lets_federation.migration.demo import seed

    demo.register(60, "merge", seed)  # after the wind-up's demo (50)
