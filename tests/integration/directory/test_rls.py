"""PostgreSQL's second wall for the directory's tables: a transaction sees only the rows
of the schemes it entered, except that a message is seen from its sender's scheme and
from its recipient's; an RSVP for the last place goes to one of two at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from lets_platform import testing
from lets_platform.db import db

pytestmark = pytest.mark.skipif(
    testing.postgres_server_url() is None, reason="needs PostgreSQL (LETS_TEST_DATABASE_URL)"
)

TABLES = ["listings", "categories", "profiles", "events", "groups", "group_members", "reports"]


@pytest.fixture
def two(scheme_with_members) -> SimpleNamespace:
    worlds = SimpleNamespace(
        w=scheme_with_members("wiltshire"),
        b=scheme_with_members("bright", handles=("carol", "dan"), organiser="oscar"),
    )
    for world, slug, author in ((worlds.w, "wiltshire", "alice"), (worlds.b, "bright", "carol")):
        client = world.as_[author]
        path = f"/schemes/{slug}"
        assert (
            client.post(
                path + "/listings", {"kind": "offer", "title": "Eggs", "category": "other"}
            ).status_code
            == 201
        )
        client.patch(f"{path}/members/{author}/profile", {"about": "Hello"})
        client.post(
            path + "/events",
            {"title": "Swap", "starts_at": "2999-01-01T10:00:00+00:00", "location": "Hall"},
        )
        group = client.post(path + "/groups", {"name": "Growers"}).json
        client.post(path + "/reports", {"subject": "profile", "id": author, "reason": "x"})
        assert group["id"]
    sent = worlds.b.as_["carol"].post("/messages", {"to": "wiltshire/alice", "body": "Hi"})
    assert sent.status_code == 201
    return worlds


def _seen(table: str, scheme_ids: str) -> set[int]:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT set_config('lets.schemes', :s, false)"), {"s": scheme_ids})
        return set(connection.execute(text(f"SELECT DISTINCT scheme_id FROM {table}")).scalars())


@pytest.mark.parametrize("table", TABLES)
def test_a_transaction_sees_only_its_schemes_rows(two, table):
    wiltshire, bright = two.w.scheme.id, two.b.scheme.id

    assert _seen(table, "") == set()
    assert _seen(table, str(wiltshire)) == {wiltshire}
    assert _seen(table, f"{wiltshire},{bright}") == {wiltshire, bright}


def test_a_message_between_schemes_is_seen_from_either_and_from_no_other(two, create_scheme):
    third = create_scheme("kennet")

    def messages(scheme_id: int) -> int:
        with db.engine.connect() as connection:
            connection.execute(
                text("SELECT set_config('lets.schemes', :s, false)"), {"s": str(scheme_id)}
            )
            return connection.execute(text("SELECT count(*) FROM messages")).scalar_one()

    assert (messages(two.w.scheme.id), messages(two.b.scheme.id), messages(third.id)) == (1, 1, 0)


def test_two_rsvps_for_the_last_place_give_it_to_one(two, ctx):
    import requests

    from lets_platform.web.testing import live_server

    made = (
        two.b.as_["oscar"]
        .post(
            "/schemes/bright/events",
            {
                "title": "Workshop",
                "starts_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
                "location": "Hall",
                "capacity": 1,
            },
        )
        .json
    )
    path = f"/api/v1/schemes/bright/events/{made['id']}/rsvp"
    answers: dict[str, str] = {}
    start = threading.Barrier(2)
    db.session.commit()

    def answer(base: str, handle: str) -> None:
        headers = {"Authorization": f"Bearer {two.b.as_[handle].token}"}
        start.wait()
        response = requests.post(base + path, json={"going": True}, headers=headers, timeout=30)
        answers[handle] = response.json()["rsvp"]

    with live_server(ctx) as base:
        threads = [threading.Thread(target=answer, args=(base, h)) for h in ("carol", "dan")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert sorted(answers.values()) == ["going", "waiting"]
