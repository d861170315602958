"""A client may not choose an id of UUID version 5: the hub derives those itself (an
invoice's payment, a trade's legs, a federation invoice's trade, the id an
``Idempotency-Key`` stands for), and a client that took one first could stop the hub from
writing its own object, or be handed it as a "replay". One field type refuses them
(``lets_platform.fields.Id``); the hub's own derivations go on working.
"""

from __future__ import annotations

import uuid

import pytest

from lets_platform.testing import assert_problem, db_state
from lets_tenants.invoices import operations as invoices
from lets_tenants.ledger.models import Transfer

V5 = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://lets.example/anything"))


@pytest.fixture
def two(scheme_with_members, api, create_admin, token_for, ctx):
    """Wiltshire and Bright with members, rates set, and the national administrator."""
    admin = api.as_(token_for(create_admin()))
    wiltshire = scheme_with_members("wiltshire")
    bright = scheme_with_members("bright", currency_code="LNK")
    for slug in ("wiltshire", "bright"):
        assert (
            admin.call(
                "PUT",
                f"/federation/rates/{slug}",
                json={"rate": "10"},
                headers={"Authorization": f"Bearer {admin.token}"},
            ).status_code
            == 200
        )
    return wiltshire, bright, admin


def _requests(wiltshire, transfer_id: str) -> list[tuple[str, dict]]:
    return [
        ("/schemes/wiltshire/transfers", {"payer": "alice", "payee": "bob", "amount": "1.00"}),
        (f"/schemes/wiltshire/transfers/{transfer_id}/correct", {"amount": "0.50"}),
        (
            "/federation/trades",
            {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "1.00"},
        ),
        (
            "/federation/invoices",
            {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "1.00"},
        ),
    ]


def test_every_operation_refuses_a_client_chosen_uuid5(two) -> None:
    wiltshire, _, admin = two
    paid = wiltshire.as_["alice"].post(
        wiltshire.path + "/transfers", {"payer": "alice", "payee": "bob", "amount": "2.00"}
    )
    assert paid.status_code == 201
    before = db_state()
    for path, body in _requests(wiltshire, paid.get_json()["id"]):
        assert_problem(admin.post(path, {**body, "id": V5}), 422, "id_not_allowed")
    assert db_state() == before
    for path, body in _requests(wiltshire, paid.get_json()["id"]):
        answer = admin.post(path, {**body, "id": str(uuid.uuid4())})
        assert answer.status_code in (201, 202), (path, answer.get_json())


def test_an_id_that_is_no_uuid_is_validation_failed(two) -> None:
    wiltshire, _, _ = two
    body = {"payer": "alice", "payee": "bob", "amount": "1.00", "id": "not-a-uuid"}
    problem = assert_problem(
        wiltshire.as_["alice"].post(wiltshire.path + "/transfers", body), 422, "validation_failed"
    )
    assert "id" in problem["errors"]


def test_an_invoice_payment_id_cannot_be_taken_before_the_hub_derives_it(two) -> None:
    """The attack: a member works out the id the hub will give an invoice's payment and
    uses it first; the invoice could then never be paid (or its payment would be theirs)."""
    wiltshire, _, _ = two
    bob, alice = wiltshire.as_["bob"], wiltshire.as_["alice"]
    sent = bob.post(wiltshire.path + "/invoices", {"payer": "alice", "amount": "3.00"})
    assert sent.status_code == 201
    invoice_id = sent.get_json()["id"]
    payment_id = str(uuid.uuid5(invoices._PAYMENT_NAMESPACE, invoice_id))
    taken = alice.post(
        wiltshire.path + "/transfers",
        {"id": payment_id, "payer": "alice", "payee": "bob", "amount": "3.00"},
    )
    assert_problem(taken, 422, "id_not_allowed")
    accepted = alice.post(f"{wiltshire.path}/invoices/{invoice_id}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    payment = Transfer.query.filter_by(id=uuid.UUID(payment_id)).one()
    assert payment.amount == 300 and payment.id.version == 5


def test_an_idempotency_key_still_stands_for_a_derived_uuid5(two) -> None:
    wiltshire, _, _ = two
    body = {"payer": "alice", "payee": "bob", "amount": "1.00"}
    headers = {"Idempotency-Key": "order-17"}
    first = wiltshire.as_["alice"].post(wiltshire.path + "/transfers", body, headers=headers)
    again = wiltshire.as_["alice"].post(wiltshire.path + "/transfers", body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert uuid.UUID(first.get_json()["id"]).version == 5
    assert again.get_json()["id"] == first.get_json()["id"]


def test_the_documented_pattern_excludes_version_5(api) -> None:
    import re

    spec = api.get("/openapi.json").get_json()
    pattern = spec["components"]["schemas"]["TransferIn"]["properties"]["id"]["pattern"]
    assert re.fullmatch(pattern, str(uuid.uuid4()))
    assert not re.fullmatch(pattern, V5)
