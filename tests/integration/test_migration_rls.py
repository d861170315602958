"""Row-level security on the migration's tables (PostgreSQL): a run and its items (the
closure report) are seen only by a transaction that entered the closed scheme."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from lets_federation.migration import starts
from lets_federation.migration.testing import run_to_end
from lets_platform import testing
from lets_platform.db import db

pytestmark = pytest.mark.skipif(
    testing.postgres_server_url() is None, reason="needs PostgreSQL (LETS_TEST_DATABASE_URL)"
)


@pytest.fixture
def merged(ctx, create_scheme, create_member):
    schemes = {slug: create_scheme(slug, rate="10") for slug in ("wiltshire", "bright", "london")}
    create_member(schemes["wiltshire"], "alice")
    ids = {slug: scheme.id for slug, scheme in schemes.items()}
    run = starts.start_merge("wiltshire", into="bright", actor=None)
    db.session.commit()
    run_to_end(run.id)
    return ids


def _seen(scheme_id: int, table: str) -> int:
    with db.engine.begin() as connection:
        connection.execute(
            text("SELECT set_config('lets.schemes', :s, true)"), {"s": str(scheme_id)}
        )
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.mark.parametrize("table", ["migration_runs", "migration_items"])
@pytest.mark.parametrize(("entered", "seen"), [("wiltshire", 1), ("london", 0)])
def test_a_migration_is_seen_from_its_own_scheme_only(merged, table, entered, seen):
    assert _seen(merged[entered], table) == seen
