"""Row-level security on the federation's tables (PostgreSQL): a trade is seen only by a
transaction that entered one of its two schemes; positions, pair flows and rate history
are the federation's public books, readable by all but written only within scope."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lets_federation.trades.operations import create_trade
from lets_platform import testing
from lets_platform.db import db

pytestmark = pytest.mark.skipif(
    testing.postgres_server_url() is None, reason="needs PostgreSQL (LETS_TEST_DATABASE_URL)"
)


@pytest.fixture
def schemes(ctx, create_scheme, create_member):
    ids = {}
    for slug, handle in (("wiltshire", "alice"), ("bright", "bob"), ("london", "ines")):
        scheme = create_scheme(slug, rate="10")
        create_member(scheme, handle)
        ids[slug] = scheme.id
    create_trade(None, payer="wiltshire/alice", payee="bright/bob", amount="1.00", currency="payer")
    db.session.commit()
    return ids


def _as(connection, scheme_ids):
    setting = ",".join(str(i) for i in scheme_ids)
    connection.execute(text("SELECT set_config('lets.schemes', :s, true)"), {"s": setting})


def _count(connection, table):
    return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.mark.parametrize(("entered", "seen"), [("wiltshire", 1), ("bright", 1), ("london", 0)])
def test_a_trade_is_seen_from_either_of_its_schemes_only(schemes, entered, seen):
    with db.engine.begin() as connection:
        _as(connection, [schemes[entered]])
        assert _count(connection, "federation_trades") == seen


@pytest.mark.parametrize("table", ["federation_positions", "federation_rate_changes"])
def test_the_federations_books_are_readable_from_any_scheme(schemes, table):
    with db.engine.begin() as connection:
        _as(connection, [schemes["london"]])
        assert _count(connection, table) == 3


def test_another_schemes_position_cannot_be_written(schemes):
    with db.engine.begin() as connection:
        _as(connection, [schemes["london"]])
        moved = connection.execute(
            text("UPDATE federation_positions SET position = 5 WHERE scheme_id = :w"),
            {"w": schemes["wiltshire"]},
        )
        assert moved.rowcount == 0


def test_a_rate_cannot_be_recorded_for_a_scheme_not_entered(schemes):
    with pytest.raises(DBAPIError), db.engine.begin() as connection:
        _as(connection, [schemes["london"]])
        connection.execute(
            text(
                "INSERT INTO federation_rate_changes (scheme_id, rate_num, rate_den, set_at) "
                "VALUES (:w, 1, 1, now())"
            ),
            {"w": schemes["wiltshire"]},
        )


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM federation_trades",
        "DELETE FROM federation_rate_changes",
        "UPDATE federation_rate_changes SET rate_num = rate_num + 1",
    ],
)
def test_the_app_role_cannot_erase_trades_or_rewrite_rates(schemes, statement):
    with db.engine.connect() as connection, pytest.raises(DBAPIError, match="permission denied"):
        _as(connection, ["*"])
        connection.execute(text(statement))
