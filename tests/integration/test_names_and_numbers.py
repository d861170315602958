"""Names and numbers are what they look like: a handle or slug is matched whole (no
trailing newline), the names the hub gives its own accounts are reserved on every path
that creates a handle, and amounts and rates take ASCII digits only, with no spaces."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from lets_federation.migration import starts
from lets_federation.migration.testing import run_to_end
from lets_federation.windup.operations import decide
from lets_platform import clock, invariants
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.tenancy.operations import parse_rate
from lets_platform.testing import assert_problem
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.models import Membership

ARABIC_TEN = "\u0661\u0660"  # "10" in Arabic-Indic digits


@pytest.fixture
def w(scheme_with_members, create_scheme, create_admin, token_for, api):
    """wiltshire (alice, bob, organiser olive) and bright, both in wessex; a national admin."""
    wes = scheme_with_members("wiltshire", rate="10", network="wessex")
    create_scheme("bright", rate="12", network="wessex")
    wes.admin = api.as_(token_for(create_admin()))
    return wes


def _add(w, handle):
    body = {"email": "new@x.test", "display_name": "New", "handle": handle}
    return w.as_["olive"].post(f"{w.path}/members", body)


@pytest.mark.parametrize("handle", ["alice\n", "carol\n", " carol", "carol ", "c\u0430rol"])
def test_a_handle_is_matched_whole(w, handle):
    assert_problem(_add(w, handle), 422, "validation_failed")


@pytest.mark.parametrize("slug", ["newtown\n", "newtown ", "new\ntown"])
def test_a_slug_is_matched_whole(w, slug):
    body = {"slug": slug, "name": "Newtown", "currency": {"code": "NEW", "name": "News"}}
    assert_problem(w.admin.post("/schemes", body), 422, "validation_failed")


@pytest.mark.parametrize("code", ["NEW\n", "N W", "\u0661NEW"])
def test_a_currency_code_is_matched_whole(w, code):
    body = {"slug": "newtown", "name": "Newtown", "currency": {"code": code, "name": "News"}}
    assert_problem(w.admin.post("/schemes", body), 422, "validation_failed")


@pytest.mark.parametrize(
    "handle", ["federation", "opening-balances", "bright-admin", "wiltshire-x"]
)
def test_the_hubs_own_names_are_reserved_for_new_members(w, handle):
    response = _add(w, handle)
    assert_problem(response, 422, "handle_reserved")
    assert response.json["errors"] == {"handle": ["reserved"]}


def test_a_name_that_only_looks_like_a_scheme_prefix_is_free(w):
    assert _add(w, "brightly-lit").status_code == 201  # no scheme is called "brightly"


def test_the_shell_reserves_them_too(lets):
    lets("schemes", "create", "wiltshire", "--name", "W", "--currency-code", "WES",
         "--currency-name", "WES")  # fmt: skip
    result = lets("members", "add", "wiltshire", "o@x.test", "--handle", "opening-balances",
                  "--name", "O", ok=False)  # fmt: skip
    assert result.exit_code == 1 and "handle_reserved" in result.output


def test_an_import_reserves_them_and_takes_ascii_digits_only(w):
    accounts = (
        "handle,display_name,email,balance\n"
        "opening-balances,O,o@x.test,0\n"
        "bright-fund,B,b@x.test,0\n"
        "mary,Mary,mary@x.test,0\n"
        f"tom,Tom,tom@x.test,{ARABIC_TEN}.00\n"
    )
    response = w.as_["olive"].call(
        "POST",
        f"{w.path}/imports",
        data={"accounts": (io.BytesIO(accounts.encode()), "accounts.csv")},
        content_type="multipart/form-data",
        headers=w.as_["olive"]._headers(None),
    )
    body = assert_problem(response, 422, "import_invalid")
    assert {(e["line"], e["code"]) for e in body["errors"]} == {
        (2, "handle_reserved"),
        (3, "handle_reserved"),
        (5, "amount_invalid"),
    }


def test_a_wind_up_choice_cannot_ask_for_a_reserved_handle(w):
    decide(w.scheme, votes_for=2, votes_against=1, actor=None,
           deadline=clock.now().date() + timedelta(days=30))  # fmt: skip
    db.session.commit()
    body = {"destination": "bright", "handle": "opening-balances"}
    response = w.as_["alice"].post(f"{w.path}/wind-up/choices", body)
    assert_problem(response, 422, "handle_reserved")


def test_a_migration_never_credits_a_central_balance_to_a_member_with_its_name(
    w, create_scheme, fake_clock
):
    """bright has a member called ``wiltshire-admin`` from before the names were reserved;
    wiltshire merges into bright: its central account's balance opens a central account of
    its own there, and the member's account is untouched."""
    bright = db.session.scalar(
        select(Account.scheme_id).where(
            Account.name == "federation", Account.scheme_id != w.scheme.id
        )
    )
    person = w.people["bob"]
    membership = db.session.execute(insert(Membership).returning(Membership.id), [{
        "scheme_id": bright, "person_id": person.id, "handle": "wiltshire-admin",
        "display_name": "Legacy", "status": "active"}]).scalar_one()  # fmt: skip
    db.session.execute(insert(Account), [{
        "scheme_id": bright, "name": "wiltshire-admin", "kind": "member", "title": "Legacy",
        "membership_id": membership, "min_balance": -10000}])  # fmt: skip
    open_central_account(w.scheme, "admin", "Fund", min_balance="-500.00", actor=None)
    transfer(w.scheme, payer="admin", payee="alice", amount="7.00", entered_by=None)
    db.session.commit()

    run_to_end(starts.start_merge("wiltshire", into="bright", actor=None).id)

    held = dict(db.session.execute(select(Account.name, Account.kind).where(
        Account.scheme_id == bright, Account.name.like("wiltshire-admin%"))).all())  # fmt: skip
    assert held == {"wiltshire-admin": "member", "wiltshire-admin-2": "central"}
    legacy = db.session.scalar(select(Account.balance).where(
        Account.scheme_id == bright, Account.name == "wiltshire-admin"))  # fmt: skip
    assert legacy == 0
    assert invariants.run_all() == []


@pytest.mark.parametrize(
    "rate", [ARABIC_TEN, " 10", "10 ", "10\n", "\uff11\uff10", "25/\u0662", "1\u00bd"]
)
def test_a_rate_takes_ascii_digits_only(rate):
    with pytest.raises(LetsError) as refused:
        parse_rate(rate)
    assert refused.value.code == "rate_invalid"


@pytest.mark.parametrize("rate", [ARABIC_TEN, " 10 "])
def test_the_rates_api_refuses_other_digits_and_spaces(w, rate):
    client = w.admin
    response = client.call(
        "PUT", "/federation/rates/wiltshire", json={"rate": rate}, headers=client._headers(None)
    )
    assert_problem(response, 422, "rate_invalid")


@pytest.mark.parametrize("amount", [ARABIC_TEN, f"{ARABIC_TEN}.00", " 10.00", "10.00\n"])
def test_amounts_and_limits_take_ascii_digits_only(w, amount):
    pay = {"payer": "alice", "payee": "bob", "amount": amount}
    assert_problem(w.as_["alice"].post(f"{w.path}/transfers", pay), 422, "amount_invalid")
    client = w.as_["olive"]
    limits = client.call("PATCH", f"{w.path}/accounts/alice", json={"min_balance": f"-{amount}"},
                         headers=client._headers(None))  # fmt: skip
    assert_problem(limits, 422, "amount_invalid")
