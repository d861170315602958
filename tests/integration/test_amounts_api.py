"""Amounts on the wire are decimal strings with at most the currency's decimals; anything
else is refused with its own code and writes nothing. Answers carry exactly the decimals."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from lets_platform.testing import assert_problem, db_state

MISSING = object()


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    return scheme_with_members("wiltshire")


def _pay(w: SimpleNamespace, amount: Any, who: str = "alice", payee: str = "bob"):
    body = {"payer": who, "payee": payee}
    if amount is not MISSING:
        body["amount"] = amount
    return w.as_[who].post(w.path + "/transfers", body)


@pytest.mark.parametrize(
    "amount",
    [
        12.5,  # a JSON float
        12,  # a JSON integer: whole units or minor units? Refused, not guessed
        True,
        None,
        MISSING,
        ["1.00"],
        {"value": "1.00"},
        "",
        "1.005",
        "１２",
        "1_000",
        " 1",
        "+1",
        "1e3",
        "NaN",
        "Infinity",
        "01.00",
        "1,00",
        "12.50 WES",
    ],
)
def test_a_payment_with_an_amount_that_is_not_a_decimal_string_is_amount_invalid(w, amount):
    before = db_state()
    assert_problem(_pay(w, amount), 422, "amount_invalid")
    assert db_state() == before


@pytest.mark.parametrize("amount", ["0", "0.00", "-0.01", "-5.00"])
def test_zero_and_negative_payments_are_amount_must_be_positive(w, amount):
    before = db_state()
    assert_problem(_pay(w, amount), 422, "amount_must_be_positive")
    assert db_state() == before


@pytest.mark.parametrize("amount", ["10000000000000.01", "99999999999999999999"])
def test_amounts_beyond_what_an_account_may_hold_are_amount_too_large(w, amount):
    before = db_state()
    assert_problem(_pay(w, amount), 422, "amount_too_large")
    assert db_state() == before


def test_fewer_decimals_are_padded_in_the_answer(w):
    assert _pay(w, "12.5").json["amount"] == "12.50"


def test_whole_units_are_answered_with_the_decimals(w):
    assert _pay(w, "3").json["amount"] == "3.00"


def test_the_smallest_unit_is_accepted(w, balance):
    _pay(w, "0.01")
    assert balance(w.scheme, "bob") == 1


def test_a_currency_without_decimals_refuses_a_fraction(scheme_with_members):
    hours = scheme_with_members("timebank", decimals=0, default_min_balance="-100")
    before = db_state()
    assert_problem(_pay(hours, "1.0"), 422, "amount_invalid")
    assert db_state() == before


def test_a_currency_without_decimals_answers_whole_numbers(scheme_with_members):
    hours = scheme_with_members("timebank", decimals=0, default_min_balance="-100")
    response = _pay(hours, "3")
    assert response.json["amount"] == "3"
    assert hours.as_["alice"].get(hours.path + "/accounts/alice").json["balance"] == "-3"


def test_an_invoice_amount_that_is_a_float_is_amount_invalid(w):
    before = db_state()
    response = w.as_["alice"].post(w.path + "/invoices", {"payer": "bob", "amount": 2.5})
    assert_problem(response, 422, "amount_invalid")
    assert db_state() == before


def test_an_invoice_without_an_amount_is_amount_invalid(w):
    before = db_state()
    response = w.as_["alice"].post(w.path + "/invoices", {"payer": "bob"})
    assert_problem(response, 422, "amount_invalid")
    assert db_state() == before


def test_a_correction_amount_that_is_a_float_is_amount_invalid(w):
    made = _pay(w, "5.00").json
    before = db_state()
    response = w.as_["olive"].post(f"{w.path}/transfers/{made['id']}/correct", {"amount": 1.5})
    assert_problem(response, 422, "amount_invalid")
    assert db_state() == before


@pytest.mark.parametrize("limit", [-50, -50.5, "-50.005", "-５０"])
def test_a_limit_that_is_not_a_decimal_string_is_amount_invalid(w, limit):
    before = db_state()
    response = w.as_["olive"].patch(w.path + "/accounts/alice", {"min_balance": limit})
    assert_problem(response, 422, "amount_invalid")
    assert db_state() == before


def test_balances_and_limits_are_answered_with_exactly_the_decimals(w):
    _pay(w, "12.5")
    account = w.as_["alice"].get(w.path + "/accounts/alice").json
    assert {k: account[k] for k in ("balance", "held", "available", "min_balance")} == {
        "balance": "-12.50",
        "held": "0.00",
        "available": "87.50",
        "min_balance": "-100.00",
    }
