"""The federation API: trades, rates, positions and limits over HTTP, with named problems."""

from __future__ import annotations

import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lets_federation.trades.models import Trade
from lets_federation.trades.operations import settle
from lets_platform.db import db


@pytest.fixture
def world(create_scheme, create_member, create_admin, token_for, api):
    wiltshire = create_scheme("wiltshire", currency_code="WES", rate="10")
    bright = create_scheme("bright", currency_code="LNK", rate="12")
    london = create_scheme("london", currency_code="LON", rate="10")
    people = {
        "alice": create_member(wiltshire, "alice"),
        "dave": create_member(wiltshire, "dave"),
        "bob": create_member(bright, "bob"),
        "bea": create_member(bright, "bea", organiser=True),
        "ines": create_member(london, "ines"),
        "nadia": create_admin(),
    }
    clients = {name: api.as_(token_for(person)) for name, person in people.items()}
    return SimpleNamespace(**clients, anonymous=api)


def _body(**fields):
    return {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "10.00", **fields}


def test_a_member_starts_a_trade_and_gets_202_with_both_amounts(world):
    response = world.alice.post("/federation/trades", _body(memo="Bike repair"))

    assert response.status_code == 202
    assert response.json | {"id": None, "created_at": None, "expires_at": None} == {
        "id": None,
        "state": "pending",
        "reason": None,
        "reason_detail": None,
        "payer": "wiltshire/alice",
        "payee": "bright/bob",
        "currency": "payer",
        "payer_amount": "10.00",
        "payer_currency": "WES",
        "payee_amount": "12.00",
        "payee_currency": "LNK",
        "fed_amount": "1.000000",
        "rates": {"payer": "10", "payee": "12"},
        "memo": "Bike repair",
        "created_at": None,
        "expires_at": None,
        "decided_at": None,
    }


def test_the_payer_reads_the_state_and_reason_once_decided(world):
    trade_id = world.alice.post("/federation/trades", _body()).json["id"]
    settle(trade_id)

    response = world.alice.get(f"/federation/trades/{trade_id}")

    assert response.status_code == 200
    assert response.json["state"] == "cleared"


def test_a_replay_of_the_same_id_is_200_with_the_original(world):
    trade_id = str(uuid.uuid4())
    first = world.alice.post("/federation/trades", _body(id=trade_id))

    again = world.alice.post("/federation/trades", _body(id=trade_id))

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json == first.json
    assert db.session.scalar(select(func.count()).select_from(Trade)) == 1


def test_an_idempotency_key_makes_a_retry_safe(world):
    headers = {"Idempotency-Key": "retry-1"}
    first = world.alice.post("/federation/trades", _body(), headers=headers)

    again = world.alice.post("/federation/trades", _body(), headers=headers)

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json["id"] == first.json["id"]


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"payee": "wiltshire/dave"}, 422, "use_scheme_transfer"),
        ({"payer": "atlantis/alice"}, 404, "payer_not_found"),
        ({"payee": "bright/nobody"}, 404, "payee_not_found"),
        ({"payee": "bob"}, 422, "validation_failed"),
        ({"amount": None}, 422, "amount_invalid"),
        ({"amount": 12.5}, 422, "amount_invalid"),
        ({"amount": "0"}, 422, "amount_must_be_positive"),
        ({"currency": "dollars"}, 422, "validation_failed"),
        ({"amount": "150.00"}, 422, "exceeds_credit_limit"),
        ({"payer": "wiltshire/dave"}, 403, "not_permitted"),
    ],
)
def test_bad_trades_are_named_problems_and_write_nothing(world, fields, status, code):
    response = world.alice.post("/federation/trades", _body(**fields))

    assert (response.status_code, response.json["code"]) == (status, code)
    assert response.mimetype == "application/problem+json"
    assert db.session.scalar(select(func.count()).select_from(Trade)) == 0


def test_a_missing_amount_is_amount_invalid(world):
    body = _body()
    del body["amount"]

    response = world.alice.post("/federation/trades", body)

    assert response.json["code"] == "amount_invalid"


@pytest.mark.parametrize("reader", ["alice", "bob", "bea", "nadia"])
def test_the_parties_their_organisers_and_the_national_body_read_a_trade(world, reader):
    trade_id = world.alice.post("/federation/trades", _body()).json["id"]

    response = getattr(world, reader).get(f"/federation/trades/{trade_id}")

    assert response.status_code == 200
    assert response.json["payee"] == "bright/bob"


@pytest.mark.parametrize("reader", ["dave", "ines"])
def test_anyone_else_is_told_the_trade_does_not_exist(world, reader):
    trade_id = world.alice.post("/federation/trades", _body()).json["id"]

    response = getattr(world, reader).get(f"/federation/trades/{trade_id}")

    assert (response.status_code, response.json["code"]) == (404, "trade_not_found")


def test_a_member_lists_their_own_trades_only(world):
    world.alice.post("/federation/trades", _body())
    world.ines.post("/federation/trades", _body(payer="london/ines"))

    mine = world.alice.get("/federation/trades").json
    bobs = world.bob.get("/federation/trades").json

    assert [t["payer"] for t in mine] == ["wiltshire/alice"]
    assert len(bobs) == 2


def test_an_organiser_lists_every_trade_of_their_scheme_but_not_of_others(world):
    world.alice.post("/federation/trades", _body())
    world.ines.post("/federation/trades", _body(payer="london/ines", payee="wiltshire/dave"))

    bright = world.bea.get("/federation/trades", scheme="bright").json
    london = world.bea.get("/federation/trades", scheme="london").json

    assert [t["payee"] for t in bright] == ["bright/bob"]
    assert london == []


def test_the_national_body_sets_a_rate_and_its_history_keeps_the_old_one(world):
    response = _put(world.nadia, "/federation/rates/bright", {"rate": "25/2"})

    assert response.status_code == 200
    assert response.json["rate"] == "25/2"
    history = world.alice.get("/federation/rates/bright/history").json
    assert [h["rate"] for h in history] == ["12", "25/2"]
    assert history[1]["set_by"] == "nadia@letslink.test"
    rates = {r["scheme"]: r["rate"] for r in world.alice.get("/federation/rates").json}
    assert rates == {"bright": "25/2", "london": "10", "wiltshire": "10"}


def _put(client, path, body):
    return client.call("PUT", path, json=body, headers=client._headers(None))


@pytest.mark.parametrize("rate", ["0", "-3", "1/0", "12,5", "1e2", 12])
def test_a_bad_rate_is_rate_invalid_and_changes_nothing(world, rate):
    response = _put(world.nadia, "/federation/rates/bright", {"rate": rate})

    assert (response.status_code, response.json["code"]) == (422, "rate_invalid")
    assert [h["rate"] for h in world.nadia.get("/federation/rates/bright/history").json] == ["12"]


def test_only_the_national_body_sets_rates_and_limits(world):
    assert _put(world.bea, "/federation/rates/bright", {"rate": "11"}).status_code == 403
    refused = _put(world.bea, "/federation/limits/bright", {"max_deficit": "1"})
    assert (refused.status_code, refused.json["code"]) == (403, "not_permitted")


def test_positions_sum_to_zero_and_show_limits(world):
    _put(world.nadia, "/federation/limits/wiltshire", {"max_deficit": "50", "max_surplus": None})
    trade_id = world.alice.post("/federation/trades", _body()).json["id"]
    settle(trade_id)

    positions = {p["scheme"]: p for p in world.ines.get("/federation/positions").json}

    assert positions["wiltshire"] == {
        "scheme": "wiltshire",
        "position": "-1.000000",
        "max_deficit": "50.000000",
        "max_surplus": None,
    }
    assert positions["bright"]["position"] == "1.000000"
    assert sum(Decimal(p["position"]) for p in positions.values()) == 0


def test_pair_limits_are_set_and_listed(world):
    response = _put(world.nadia, "/federation/pairs/bright/wiltshire", {"max_net_flow": "2.5"})

    assert response.status_code == 200
    assert world.alice.get("/federation/pairs").json == [
        {"schemes": ["wiltshire", "bright"], "net_flow": "0.000000", "max_net_flow": "2.500000"}
    ]


def test_bad_limits_are_named(world):
    response = _put(world.nadia, "/federation/limits/wiltshire", {"max_deficit": "1.5e3"})

    assert (response.status_code, response.json["code"]) == (422, "amount_invalid")


def test_every_federation_endpoint_needs_a_token(world):
    for method, path, body in [
        ("GET", "/federation/trades", None),
        ("POST", "/federation/trades", _body()),
        ("GET", "/federation/positions", None),
        ("GET", "/federation/rates", None),
        ("PUT", "/federation/rates/bright", {"rate": "1"}),
        ("PUT", "/federation/limits/bright", {"max_deficit": "1"}),
        ("PUT", "/federation/pairs/bright/london", {"max_net_flow": "1"}),
    ]:
        response = world.anonymous.call(method, path, json=body)
        assert (response.status_code, response.json["code"]) == (401, "unauthenticated"), path
