"""Migration 0018 moves the imports' offers into listings (and back on downgrade)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from lets_platform import migrate, testing
from lets_platform.db import db
from lets_platform.tenancy import scope

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            testing.postgres_server_url() is None, reason="LETS_TEST_DATABASE_URL is not set"
        ),
    ),
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_offers_become_listings_in_a_category_named_like_theirs(backend):
    with testing.test_database(backend) as url, testing.keep_jobs_bound():
        app = testing.make_app(url, as_owner=True)
        with app.app_context():
            scope.allow_all()
            migrate.downgrade("0017")
            with db.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT set_config('lets.schemes', '*', true)"))
                connection.execute(
                    text(
                        "INSERT INTO schemes (id, slug, name, status, kind, currency_code, "
                        "currency_name, currency_decimals, rate_num, rate_den, "
                        "default_min_balance, created_at) VALUES (1, 'avon', 'Avon', 'active', "
                        "'scheme', 'AVN', 'Avons', 2, 1, 1, 0, '2026-01-01')"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO persons (id, email, display_name, is_admin, created_at, "
                        "failed_logins) VALUES (1, 'mary@avon.test', 'Mary', false, "
                        "'2026-01-01', 0)"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO memberships (id, scheme_id, person_id, handle, "
                        "display_name, status, joined_at) VALUES (1, 1, 1, 'mary', 'Mary', "
                        "'active', '2026-01-01')"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO offers (scheme_id, membership_id, title, description, "
                        "category, status, created_at) VALUES (1, 1, 'Bread', 'Rye', 'Food', "
                        "'active', '2026-01-01'), (1, 1, 'Lifts', '', NULL, 'withdrawn', "
                        "'2026-01-01')"
                    )
                )
            migrate.upgrade()
            with db.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT set_config('lets.schemes', '*', true)"))
                rows = connection.execute(
                    text(
                        "SELECT l.title, l.kind, l.status, l.visibility, c.slug FROM listings l "
                        "JOIN categories c ON c.id = l.category_id ORDER BY l.title"
                    )
                ).all()
            assert [tuple(r) for r in rows] == [
                ("Bread", "offer", "active", "scheme", "food"),
                ("Lifts", "offer", "expired", "scheme", "other"),
            ]
            db.engine.dispose()
        testing.dispose(app)
