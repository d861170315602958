"""Members: organisers add a person (created if new) with a handle unique in the scheme,
which opens their account with the scheme's limits; members see the list of members."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.testing import assert_problem, db_state


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    return scheme_with_members("wiltshire")


def _add(w: SimpleNamespace, who: str = "olive", **fields):
    body = {"email": "dave@example.org", "display_name": "Dave Dean", "handle": "dave", **fields}
    return w.as_[who].post(w.path + "/members", body)


def _persons(email: str) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).where(Person.email == email))


def test_an_organiser_adds_a_member_with_an_account(w):
    response = _add(w)

    assert response.status_code == 201
    body = response.json
    assert (body["handle"], body["display_name"], body["status"]) == ("dave", "Dave Dean", "active")
    assert {k: body["account"][k] for k in ("name", "kind", "balance", "min_balance")} == {
        "name": "dave",
        "kind": "member",
        "balance": "0.00",
        "min_balance": "-100.00",
    }


def test_a_new_email_creates_the_person(w):
    _add(w)
    assert _persons("dave@example.org") == 1


def test_a_known_person_is_not_created_again(w, scheme_with_members):
    bright = scheme_with_members("bright", handles=("gita",), organiser="oscar")
    _add(w)

    response = _add(bright, who="oscar", handle="dave-b")

    assert response.status_code == 201
    assert _persons("dave@example.org") == 1


def test_the_new_member_can_pay_with_their_own_token(w, token_for, api):
    _add(w)
    db.session.commit()
    dave = db.session.scalar(select(Person).where(Person.email == "dave@example.org"))
    response = api.as_(token_for(dave)).post(
        w.path + "/transfers", {"payer": "dave", "payee": "alice", "amount": "1.00"}
    )
    assert response.status_code == 201


def test_limits_may_be_set_when_adding(w):
    account = _add(w, min_balance="-20.00", max_balance="300.00").json["account"]
    assert (account["min_balance"], account["max_balance"]) == ("-20.00", "300.00")


def test_a_taken_handle_is_handle_taken(w):
    before = db_state()
    assert_problem(_add(w, handle="alice"), 409, "handle_taken")
    assert db_state() == before


def test_a_handle_taken_by_a_central_account_is_handle_taken(w):
    w.as_["olive"].post(w.path + "/accounts", {"name": "fund", "title": "Fund"})
    before = db_state()
    assert_problem(_add(w, handle="fund"), 409, "handle_taken")
    assert db_state() == before


def test_the_same_handle_may_be_used_in_another_scheme(w, scheme_with_members):
    bright = scheme_with_members("bright", handles=("gita",), organiser="oscar")
    assert _add(bright, who="oscar", handle="alice").status_code == 201


def test_a_person_who_is_a_member_already_is_already_member(w):
    before = db_state()
    assert_problem(_add(w, email="alice@wiltshire.test", handle="alice2"), 409, "already_member")
    assert db_state() == before


@pytest.mark.parametrize("handle", ["Dave", "dave smith", "", "-dave", "d" * 41, "dåve"])
def test_a_handle_must_be_a_plain_name(w, handle):
    before = db_state()
    assert_problem(_add(w, handle=handle), 422, "validation_failed")
    assert db_state() == before


@pytest.mark.parametrize("missing", ["email", "display_name", "handle"])
def test_a_missing_field_is_validation_failed(w, missing):
    body = {"email": "dave@example.org", "display_name": "Dave", "handle": "dave"}
    del body[missing]
    before = db_state()
    response = w.as_["olive"].post(w.path + "/members", body)
    body = assert_problem(response, 422, "validation_failed")
    assert missing in body["errors"]
    assert db_state() == before


def test_a_positive_credit_limit_is_validation_failed(w):
    before = db_state()
    assert_problem(_add(w, min_balance="5.00"), 422, "validation_failed")
    assert db_state() == before


def test_members_may_not_add_members(w):
    before = db_state()
    assert_problem(_add(w, who="alice"), 403, "not_permitted")
    assert db_state() == before


def test_members_list_the_members_without_their_accounts(w):
    listed = w.as_["alice"].get(w.path + "/members").json
    assert [(m["handle"], m["account"]) for m in listed] == [
        ("alice", None),
        ("bob", None),
        ("olive", None),
    ]


def test_organisers_list_the_members_with_their_accounts(w):
    listed = w.as_["olive"].get(w.path + "/members").json
    assert [m["account"]["balance"] for m in listed] == ["0.00", "0.00", "0.00"]


@pytest.mark.parametrize("email", ["dave", "dave@", "@example.org", "dave example@x.org"])
def test_an_email_that_is_not_an_address_is_validation_failed(w, email):
    before = db_state()
    assert_problem(_add(w, email=email), 422, "validation_failed")
    assert db_state() == before


def test_emails_are_matched_without_regard_to_case(w):
    before = db_state()
    assert_problem(_add(w, email="Alice@Wiltshire.TEST", handle="al"), 409, "already_member")
    assert db_state() == before
