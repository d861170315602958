"""The Alembic migrations build exactly the schema the models describe, and unwind cleanly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from lets_platform import migrate, testing
from lets_platform.db import db

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            testing.postgres_server_url() is None,
            reason="LETS_TEST_DATABASE_URL is not set (CI sets it)",
        ),
    ),
]


def _differences() -> list[object]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": migrate.include_name}
        )
        return list(compare_metadata(context, db.metadata))


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrated_schema_matches_the_models(backend):
    with testing.test_database(backend) as url:
        app = testing.make_app(url, as_owner=True)
        with app.app_context():
            assert _differences() == []
            db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(backend):
    with testing.test_database(backend) as url:
        app = testing.make_app(url, as_owner=True)
        with app.app_context():
            migrate.downgrade("base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            migrate.upgrade()
            assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
            db.engine.dispose()
