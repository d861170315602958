"""Accounts: owners and organisers read them; organisers change limits and status and open
central accounts; the federation clearing account is the federation's, not changed by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lets_platform.testing import assert_problem, db_state


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    return scheme_with_members("wiltshire")


def _patch(w: SimpleNamespace, body: dict, account: str = "alice", who: str = "olive"):
    return w.as_[who].patch(f"{w.path}/accounts/{account}", body)


def _pay(w: SimpleNamespace, payer: str, payee: str, amount: str, who: str = "olive"):
    body = {"payer": payer, "payee": payee, "amount": amount}
    return w.as_[who].post(w.path + "/transfers", body)


def test_the_owner_reads_their_account(w):
    response = w.as_["alice"].get(w.path + "/accounts/alice")

    assert response.status_code == 200
    assert response.json == {
        "name": "alice",
        "address": "wiltshire/alice",
        "kind": "member",
        "title": "Alice",
        "balance": "0.00",
        "held": "0.00",
        "available": "100.00",
        "min_balance": "-100.00",
        "max_balance": None,
        "status": "active",
        "currency": "WIL",
    }


def test_a_member_may_not_read_another_members_account(w):
    assert_problem(w.as_["alice"].get(w.path + "/accounts/bob"), 403, "not_permitted")


def test_an_organiser_reads_any_account(w):
    assert w.as_["olive"].get(w.path + "/accounts/bob").json["name"] == "bob"


def test_an_organiser_lists_every_account_including_the_federation_account(w):
    names = {(a["kind"], a["name"]) for a in w.as_["olive"].get(w.path + "/accounts").json}
    assert names == {
        ("member", "alice"),
        ("member", "bob"),
        ("member", "olive"),
        ("federation", "federation"),
    }


def test_a_member_may_not_list_the_accounts(w):
    assert_problem(w.as_["alice"].get(w.path + "/accounts"), 403, "not_permitted")


def test_an_organiser_sets_the_credit_limit_and_upper_limit(w):
    response = _patch(w, {"min_balance": "-250.00", "max_balance": "400.00"})
    assert (response.json["min_balance"], response.json["max_balance"]) == ("-250.00", "400.00")
    assert response.json["available"] == "250.00"


def test_a_new_credit_limit_binds_the_next_payment(w):
    _patch(w, {"min_balance": "-20.00"})
    before = db_state()
    assert_problem(_pay(w, "alice", "bob", "20.01"), 422, "exceeds_credit_limit")
    assert db_state() == before


def test_a_new_upper_limit_binds_the_next_payment(w):
    _patch(w, {"max_balance": "5.00"}, account="bob")
    before = db_state()
    assert_problem(_pay(w, "alice", "bob", "5.01"), 422, "exceeds_upper_limit")
    assert db_state() == before


def test_a_null_upper_limit_removes_it(w):
    _patch(w, {"max_balance": "5.00"})
    assert _patch(w, {"max_balance": None}).json["max_balance"] is None


def test_a_positive_credit_limit_is_validation_failed(w):
    before = db_state()
    assert_problem(_patch(w, {"min_balance": "1.00"}), 422, "validation_failed")
    assert db_state() == before


def test_a_negative_upper_limit_is_validation_failed(w):
    before = db_state()
    assert_problem(_patch(w, {"max_balance": "-1.00"}), 422, "validation_failed")
    assert db_state() == before


def test_limits_that_exclude_the_balance_are_refused(w):
    _pay(w, "alice", "bob", "30.00")
    before = db_state()
    response = _patch(w, {"max_balance": "20.00"}, account="bob")
    assert_problem(response, 409, "limits_exclude_balance")
    assert db_state() == before


def test_an_unknown_status_is_validation_failed(w):
    before = db_state()
    assert_problem(_patch(w, {"status": "frozen"}), 422, "validation_failed")
    assert db_state() == before


def test_a_suspended_account_neither_pays_nor_receives(w):
    _patch(w, {"status": "suspended"})
    before = db_state()
    assert_problem(_pay(w, "alice", "bob", "1.00"), 409, "account_suspended")
    assert_problem(_pay(w, "bob", "alice", "1.00"), 409, "account_suspended")
    assert db_state() == before


def test_a_reactivated_account_pays_again(w):
    _patch(w, {"status": "suspended"})
    _patch(w, {"status": "active"})
    assert _pay(w, "alice", "bob", "1.00").status_code == 201


def test_an_account_at_zero_is_closed(w):
    response = _patch(w, {"status": "closed"})
    assert (response.status_code, response.json["status"]) == (200, "closed")


def test_a_closed_account_does_not_change_again(w):
    _patch(w, {"status": "closed"})
    before = db_state()
    assert_problem(_patch(w, {"status": "active"}), 409, "account_closed")
    assert db_state() == before


def test_a_closed_account_receives_nothing(w):
    _patch(w, {"status": "closed"})
    before = db_state()
    assert_problem(_pay(w, "bob", "alice", "1.00"), 409, "account_closed")
    assert db_state() == before


def test_an_account_with_a_balance_is_not_closed(w):
    _pay(w, "bob", "alice", "1.00")
    before = db_state()
    assert_problem(_patch(w, {"status": "closed"}), 409, "balance_not_zero")
    assert db_state() == before


def test_members_may_not_change_their_own_limits(w):
    before = db_state()
    response = _patch(w, {"min_balance": "-1000.00"}, who="alice")
    assert_problem(response, 403, "not_permitted")
    assert db_state() == before


def test_changing_an_unknown_account_is_account_not_found(w):
    assert_problem(_patch(w, {"status": "suspended"}, account="nobody"), 404, "account_not_found")


@pytest.mark.parametrize(
    "body",
    [
        {"status": "suspended"},
        {"status": "closed"},
        {"min_balance": "-10.00"},
        {"max_balance": "10.00"},
        {"max_balance": None},
    ],
)
def test_organisers_may_not_change_the_federation_account(w, body):
    before = db_state()
    assert_problem(_patch(w, body, account="federation"), 409, "account_not_manageable")
    assert db_state() == before


def test_the_national_administrator_may_not_change_the_federation_account_by_hand(
    w, create_admin, token_for, api
):
    admin = api.as_(token_for(create_admin()))
    before = db_state()
    response = admin.patch(w.path + "/accounts/federation", {"status": "suspended"})
    assert_problem(response, 409, "account_not_manageable")
    assert db_state() == before


def test_an_organiser_opens_a_central_account(w):
    body = {"name": "admin", "title": "Administration fund", "min_balance": "-500.00"}

    response = w.as_["olive"].post(w.path + "/accounts", body)

    assert response.status_code == 201
    assert {k: response.json[k] for k in ("name", "kind", "title", "min_balance", "balance")} == {
        "name": "admin",
        "kind": "central",
        "title": "Administration fund",
        "min_balance": "-500.00",
        "balance": "0.00",
    }


def test_a_central_account_has_no_credit_by_default(w):
    w.as_["olive"].post(w.path + "/accounts", {"name": "events", "title": "Events budget"})
    before = db_state()
    assert_problem(_pay(w, "events", "alice", "0.01"), 422, "exceeds_credit_limit")
    assert db_state() == before


def test_a_central_account_may_not_take_a_members_handle(w):
    before = db_state()
    response = w.as_["olive"].post(w.path + "/accounts", {"name": "alice", "title": "Fund"})
    assert_problem(response, 409, "account_name_taken")
    assert db_state() == before


@pytest.mark.parametrize("name", ["Admin", "a b", "-fund", "", "x" * 41, "fünd"])
def test_a_central_account_name_must_be_a_plain_name(w, name):
    before = db_state()
    response = w.as_["olive"].post(w.path + "/accounts", {"name": name, "title": "Fund"})
    assert_problem(response, 422, "validation_failed")
    assert db_state() == before


def test_members_may_not_open_central_accounts(w):
    before = db_state()
    response = w.as_["alice"].post(w.path + "/accounts", {"name": "mine", "title": "Mine"})
    assert_problem(response, 403, "not_permitted")
    assert db_state() == before
