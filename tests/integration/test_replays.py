"""A replayed id returns the original only to someone who may read it. Anyone else, with
the same fields or others, or with an id of another scheme, gets one and the same refusal
(409 ``exists_with_different_fields``, a generic detail, no list of fields): replaying
guessed ids tells nothing about what exists. One mechanism (``lets_platform.replays``)
for transfers, corrections, trades and cross-scheme invoices."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest

from lets_platform import replays
from lets_platform.db import db
from lets_platform.errors import ExistsWithDifferentFields
from lets_tenants.ledger.operations import transfer

#: The whole body of every refused replay, whatever exists under the id.
REFUSAL = ExistsWithDifferentFields(replays.DETAIL).to_problem()
ID = str(uuid.uuid4())


@pytest.fixture
def hub(scheme_with_members, create_member, token_for, api):
    """wiltshire (alice, bob, dave, organiser olive) and bright (carol, organiser oscar)."""
    wes = scheme_with_members("wiltshire", ("alice", "bob", "dave"), rate="10")
    bright = scheme_with_members("bright", ("carol",), organiser="oscar", rate="12")
    transfer(bright.scheme, payer="carol", payee="oscar", amount="1.00", entered_by=None)
    db.session.commit()
    return SimpleNamespace(wes=wes, bright=bright, **wes.as_, **bright.as_)


def _transfer(client, scheme="wiltshire", **fields):
    body = {"payer": "alice", "payee": "bob", "amount": "4.50", "id": ID, **fields}
    return client.post(f"/schemes/{scheme}/transfers", body)


def _trade(client, **fields):
    body = {"payer": "wiltshire/alice", "payee": "bright/carol", "amount": "4.50",
            "currency": "payer", "id": ID, **fields}  # fmt: skip
    return client.post("/federation/trades", body)


def _invoice(client, **fields):
    body = {"payer": "wiltshire/alice", "payee": "bright/carol", "amount": "4.50", "id": ID,
            **fields}  # fmt: skip
    return client.post("/federation/invoices", body)


def _correction(client, scheme, transfer_id):
    return client.post(f"/schemes/{scheme}/transfers/{transfer_id}/correct", {"id": ID})


#: kind -> (the original, made by its owner; the owner's replay; strangers' replays)
KINDS = {
    "transfer": (
        lambda h: _transfer(h.alice),
        lambda h: _transfer(h.alice),
        [
            lambda h: _transfer(h.dave, payer="dave"),  # a member of the scheme, not a party
            lambda h: _transfer(h.carol, "bright", payer="carol", payee="oscar"),  # another scheme
        ],
    ),
    "trade": (
        lambda h: _trade(h.alice),
        lambda h: _trade(h.alice),
        [
            lambda h: _trade(h.dave),  # exactly the original's fields
            lambda h: _trade(h.dave, payer="wiltshire/dave"),
            lambda h: _trade(h.dave, amount="4.51"),
        ],
    ),
    "federation invoice": (
        lambda h: _invoice(h.carol),
        lambda h: _invoice(h.carol),
        [
            lambda h: _invoice(h.dave, payer="bright/carol", payee="wiltshire/dave"),
            lambda h: _invoice(h.dave, payer="bright/carol", payee="wiltshire/dave", amount="9"),
        ],
    ),
    "correction": (
        lambda h: _correction(h.olive, "wiltshire", _paid(h)),
        lambda h: _correction(h.olive, "wiltshire", _paid(h)),
        [lambda h: _correction(h.oscar, "bright", _bright_transfer(h))],  # another scheme's
    ),
}


def _paid(h) -> str:
    if not hasattr(h, "paid"):
        h.paid = _transfer(h.alice, id=str(uuid.uuid4())).json["id"]
    return h.paid


def _bright_transfer(h) -> str:
    return h.carol.get("/schemes/bright/transfers").json["items"][0]["id"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_owner_gets_the_original_back(hub, kind):
    make, again, _ = KINDS[kind]
    first = make(hub)
    assert first.status_code in (201, 202), first.json

    replayed = again(hub)

    assert replayed.status_code == 200, replayed.json
    assert replayed.json == first.json | {
        k: replayed.json[k] for k in ("state",) if k in first.json
    }


@pytest.mark.parametrize(
    ("kind", "stranger"), [(kind, i) for kind, (_, _, s) in KINDS.items() for i in range(len(s))]
)
def test_anyone_who_may_not_read_it_gets_the_same_refusal_whatever_the_fields(hub, kind, stranger):
    make, _, strangers = KINDS[kind]
    assert make(hub).status_code in (201, 202)

    response = strangers[stranger](hub)

    assert response.status_code == 409
    assert response.json == REFUSAL


def test_another_persons_idempotency_key_stands_for_another_id(hub):
    headers = {"Idempotency-Key": "order-17"}
    path = "/schemes/wiltshire/transfers"
    mine = hub.alice.post(path, {"payer": "alice", "payee": "bob", "amount": "1.00"}, headers)
    theirs = hub.dave.post(path, {"payer": "dave", "payee": "bob", "amount": "2.00"}, headers)
    again = hub.alice.post(path, {"payer": "alice", "payee": "bob", "amount": "1.00"}, headers)

    assert (mine.status_code, theirs.status_code, again.status_code) == (201, 201, 200)
    assert again.json == mine.json != theirs.json
