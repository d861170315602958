"""Schemes: only the national body provisions them, each with its currency (code, unit
name, decimals) and rate; anyone signed in reads them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_platform.testing import Api, assert_problem, db_state
from lets_tenants.accounts.models import Account

WILTSHIRE = {
    "slug": "wiltshire",
    "name": "Wiltshire Exchange Scheme",
    "network": "south-west",
    "currency": {"code": "WES", "name": "WES units", "decimals": 2},
}


@pytest.fixture
def national(api, create_admin, token_for) -> Api:
    return api.as_(token_for(create_admin()))


def _create(client: Api, **fields: Any):
    return client.post("/schemes", {**WILTSHIRE, **fields})


def test_the_national_body_provisions_a_scheme(national):
    response = _create(national)

    assert response.status_code == 201
    body = response.json
    assert {k: body[k] for k in ("slug", "name", "status", "network", "currency")} == {
        "slug": "wiltshire",
        "name": "Wiltshire Exchange Scheme",
        "status": "active",
        "network": "south-west",
        "currency": {"code": "WES", "name": "WES units", "decimals": 2},
    }


def test_a_new_scheme_has_its_federation_account_and_nothing_else(national):
    _create(national)
    scheme = db.session.scalar(select(Scheme).where(Scheme.slug == "wiltshire"))
    accounts = db.session.execute(
        select(Account.name, Account.kind, Account.balance).where(Account.scheme_id == scheme.id)
    ).all()
    assert [tuple(a) for a in accounts] == [("federation", "federation", 0)]


def test_the_rate_is_kept_exactly(national):
    assert _create(national, rate="25/2").json["rate"] == "25/2"


def test_an_invalid_rate_is_rate_invalid(national):
    before = db_state()
    assert_problem(_create(national, rate="ten"), 422, "rate_invalid")
    assert db_state() == before


def test_the_currency_code_is_upper_case(national):
    currency = {"code": "wes", "name": "WES units", "decimals": 2}
    assert _create(national, currency=currency).json["currency"]["code"] == "WES"


def test_a_currency_without_decimals_is_allowed(national):
    currency = {"code": "HRS", "name": "Hours", "decimals": 0}
    body = _create(national, currency=currency, default_min_balance="-20").json
    assert (body["currency"]["decimals"], body["default_min_balance"]) == (0, "-20")


@pytest.mark.parametrize(
    "currency",
    [
        {"code": "WES", "name": "WES units", "decimals": 5},
        {"code": "WES", "name": "WES units", "decimals": -1},
        {"code": "WES", "name": "WES units", "decimals": "2"},
        {"code": "WES", "name": "WES units", "decimals": 2.0},
        {"code": "W", "name": "WES units"},
        {"code": "W E S", "name": "WES units"},
        {"code": "WES", "name": ""},
        {"name": "WES units"},
        {"code": "WES"},
    ],
)
def test_a_bad_currency_is_validation_failed(national, currency):
    before = db_state()
    assert_problem(_create(national, currency=currency), 422, "validation_failed")
    assert db_state() == before


@pytest.mark.parametrize("slug", ["Wiltshire", "wilt shire", "-wilt", "", "w" * 64])
def test_a_bad_slug_is_validation_failed(national, slug):
    before = db_state()
    assert_problem(_create(national, slug=slug), 422, "validation_failed")
    assert db_state() == before


def test_a_taken_slug_is_scheme_exists(national):
    _create(national)
    before = db_state()
    assert_problem(_create(national, name="Another"), 409, "scheme_exists")
    assert db_state() == before


def test_a_positive_default_credit_limit_is_validation_failed(national):
    before = db_state()
    assert_problem(_create(national, default_min_balance="1.00"), 422, "validation_failed")
    assert db_state() == before


def test_an_organiser_may_not_provision_a_scheme(scheme_with_members):
    w = scheme_with_members("bright")
    before = db_state()
    assert_problem(_create(w.as_["olive"]), 403, "not_permitted")
    assert db_state() == before


def test_a_member_may_not_provision_a_scheme(scheme_with_members):
    w = scheme_with_members("bright")
    before = db_state()
    assert_problem(_create(w.as_["alice"]), 403, "not_permitted")
    assert db_state() == before


def test_without_a_token_nothing_is_provisioned(api):
    before = db_state()
    assert_problem(_create(api), 401, "unauthenticated")
    assert db_state() == before


def test_anyone_signed_in_lists_the_schemes(national, scheme_with_members):
    w = scheme_with_members("bright")
    _create(national)
    listed = w.as_["alice"].get("/schemes").json
    assert [s["slug"] for s in listed] == ["bright", "wiltshire"]


def test_anyone_signed_in_reads_a_scheme(national, scheme_with_members):
    w = scheme_with_members("bright")
    _create(national)
    assert w.as_["alice"].get("/schemes/wiltshire").json["currency"]["code"] == "WES"


def test_an_unknown_scheme_is_scheme_not_found(national):
    assert_problem(national.get("/schemes/nowhere"), 404, "scheme_not_found")


def test_reading_schemes_needs_a_token(api):
    assert_problem(api.get("/schemes"), 401, "unauthenticated")


def test_a_rate_with_a_zero_denominator_is_rate_invalid(national):
    assert_problem(_create(national, rate="1/0"), 422, "rate_invalid")
