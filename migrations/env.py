"""Alembic environment: the hub's own app supplies the engine and the models' metadata."""

from __future__ import annotations

from alembic import context
from flask import has_app_context

from lets_platform.db import db
from lets_platform.migrate import include_name


def _run() -> None:
    connectable = db.engine
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":  # migrations see every scheme's rows
                connection.exec_driver_sql("SELECT set_config('lets.schemes', '*', true)")
            context.run_migrations()


if has_app_context():
    _run()
else:
    from lets_platform.app import create_app

    with create_app().app_context():
        _run()
