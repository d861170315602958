"""Repeating a payment is safe: the same id or ``Idempotency-Key`` returns the original
(200) and moves nothing twice; the same id with other fields is refused; an id that
belongs to another scheme is refused without telling anything about it."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from lets_platform.db import db
from lets_platform.testing import assert_problem, db_state
from lets_tenants.accounts.operations import change_account

ID = "2d7f6f7a-3c1b-4d7e-8a0f-5b6c7d8e9f01"
PAYMENT = {"payer": "alice", "payee": "bob", "amount": "4.50", "memo": "Eggs"}


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    return scheme_with_members("wiltshire")


def _post(w: SimpleNamespace, body: dict, who: str = "alice", key: str | None = None):
    headers = {"Idempotency-Key": key} if key else None
    return w.as_[who].post(w.path + "/transfers", body, headers=headers)


def test_repeating_an_id_answers_200_with_the_original(w):
    first = _post(w, {**PAYMENT, "id": ID})

    again = _post(w, {**PAYMENT, "id": ID})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json


def test_repeating_an_id_moves_nothing_twice(w, balance):
    _post(w, {**PAYMENT, "id": ID})
    before = db_state()

    _post(w, {**PAYMENT, "id": ID})

    assert db_state() == before
    assert balance(w.scheme, "alice") == -450


def test_the_same_id_with_another_amount_is_refused_without_naming_the_field(w):
    _post(w, {**PAYMENT, "id": ID})
    before = db_state()

    response = _post(w, {**PAYMENT, "id": ID, "amount": "4.51"})

    body = assert_problem(response, 409, "exists_with_different_fields")
    assert "fields" not in body and "amount" not in body["detail"]
    assert db_state() == before


@pytest.mark.parametrize(
    ("field", "value"), [("payee", "olive"), ("memo", "Milk"), ("channel", "cheque")]
)
def test_the_same_id_with_any_other_field_changed_is_refused(w, field, value):
    _post(w, {**PAYMENT, "id": ID}, who="olive")
    before = db_state()

    response = _post(w, {**PAYMENT, "id": ID, field: value}, who="olive")

    assert "fields" not in assert_problem(response, 409, "exists_with_different_fields")
    assert db_state() == before


def test_a_replay_is_answered_even_after_the_payee_account_closed(w):
    """A known id is answered before the accounts are looked at, so a replay is safe."""
    first = _post(w, {**PAYMENT, "id": ID, "amount": "1.00"})
    _post(w, {"payer": "bob", "payee": "alice", "amount": "1.00"}, who="bob")
    change_account(w.scheme, "bob", actor=None, status="closed")
    db.session.commit()

    again = _post(w, {**PAYMENT, "id": ID, "amount": "1.00"})

    assert (again.status_code, again.json) == (200, first.json)


def test_an_idempotency_key_makes_a_repeat_return_the_original(w, balance):
    first = _post(w, PAYMENT, key="order-17")

    again = _post(w, PAYMENT, key="order-17")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    assert balance(w.scheme, "bob") == 450


def test_an_idempotency_key_with_another_body_is_refused(w):
    _post(w, PAYMENT, key="order-17")
    before = db_state()

    response = _post(w, {**PAYMENT, "amount": "9.00"}, key="order-17")

    assert_problem(response, 409, "exists_with_different_fields")
    assert db_state() == before


def test_idempotency_keys_belong_to_the_caller(w, balance):
    """Two people using the same key make two payments."""
    _post(w, PAYMENT, key="k1")
    _post(w, {**PAYMENT, "payer": "bob", "payee": "alice"}, who="bob", key="k1")
    assert balance(w.scheme, "alice") == 0


def test_an_explicit_id_wins_over_the_idempotency_key(w):
    response = _post(w, {**PAYMENT, "id": ID}, key="order-17")
    assert response.json["id"] == ID


def test_a_different_id_is_a_new_payment(w, balance):
    _post(w, {**PAYMENT, "id": ID})
    _post(w, {**PAYMENT, "id": "2d7f6f7a-3c1b-4d7e-8a0f-5b6c7d8e9f02"})
    assert balance(w.scheme, "alice") == -900


def test_an_id_taken_in_another_scheme_is_refused_without_leaking_it(w, scheme_with_members):
    bright = scheme_with_members("bright", handles=("gita", "hari"), organiser="oscar")
    secret = {"payer": "gita", "payee": "hari", "amount": "7.00", "memo": "secret", "id": ID}
    assert _post(bright, secret, who="gita").status_code == 201
    before = db_state()

    response = _post(w, {**PAYMENT, "id": ID})

    body = assert_problem(response, 409, "exists_with_different_fields")
    assert db_state() == before
    told = json.dumps(body)
    assert [word for word in ("gita", "hari", "bright", "secret", "7.00") if word in told] == []
    assert "fields" not in body
