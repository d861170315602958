"""The ledger while a scheme winds up: trading goes on, but no account goes further into
debit (a payment may not take its payer below zero), and no new member joins."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from lets_federation.trades.operations import settle
from lets_federation.windup.operations import decide
from lets_platform import invariants
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.tenancy.operations import get_scheme
from lets_platform.testing import assert_problem, db_state
from lets_tenants.ledger.operations import transfer

DEADLINE = date.today() + timedelta(days=30)


@pytest.fixture
def avon(scheme_with_members):
    """Avon with alice in debit (-30.00), bob in credit (+30.00), winding up."""
    world = scheme_with_members("avon", network="south-west")
    transfer(world.scheme, payer="alice", payee="bob", amount="30.00", entered_by=None)
    decide(world.scheme, votes_for=3, votes_against=0, deadline=DEADLINE, actor=None)
    db.session.commit()
    return world


def _pay(world, who: str, payee: str, amount: str):
    body = {"payer": who, "payee": payee, "amount": amount}
    return world.as_[who].post(f"{world.path}/transfers", body)


def test_a_member_in_debit_may_not_pay_and_nothing_moves(avon, balance):
    before = db_state()

    response = _pay(avon, "alice", "bob", "1.00")

    body = assert_problem(response, 422, "exceeds_wind_up_limit")
    assert body["available"] == "0.00"
    assert db_state() == before


def test_a_member_in_debit_may_receive_and_so_repay(avon, balance):
    response = _pay(avon, "bob", "alice", "10.00")

    assert response.status_code == 201, response.json
    assert balance(avon.scheme, "alice") == -2000


def test_a_member_in_credit_may_spend_down_to_zero(avon, balance):
    response = _pay(avon, "bob", "olive", "30.00")

    assert response.status_code == 201, response.json
    assert balance(avon.scheme, "bob") == 0


def test_a_member_in_credit_may_not_go_into_debit(avon, balance):
    response = _pay(avon, "bob", "olive", "30.01")

    body = assert_problem(response, 422, "exceeds_wind_up_limit")
    assert body["available"] == "30.00"
    assert balance(avon.scheme, "bob") == 3000


def test_a_member_at_zero_may_not_pay_although_the_credit_limit_would_allow_it(avon):
    assert_problem(_pay(avon, "olive", "bob", "0.01"), 422, "exceeds_wind_up_limit")


def test_an_organiser_entering_a_paper_cheque_meets_the_same_floor(avon):
    body = {"payer": "alice", "payee": "bob", "amount": "5.00", "channel": "cheque"}

    response = avon.as_["olive"].post("/schemes/avon/transfers", body)

    assert_problem(response, 422, "exceeds_wind_up_limit")


def test_an_invoice_to_a_member_in_debit_cannot_be_accepted(avon, balance):
    sent = avon.as_["bob"].post("/schemes/avon/invoices", {"payer": "alice", "amount": "5.00"})
    assert sent.status_code == 201, sent.json

    response = avon.as_["alice"].post(f"/schemes/avon/invoices/{sent.json['id']}/accept")

    assert_problem(response, 422, "exceeds_wind_up_limit")
    assert balance(avon.scheme, "alice") == -3000


def test_an_invoice_within_a_creditors_balance_is_paid(avon, balance):
    sent = avon.as_["olive"].post("/schemes/avon/invoices", {"payer": "bob", "amount": "5.00"})

    response = avon.as_["bob"].post(f"/schemes/avon/invoices/{sent.json['id']}/accept")

    assert response.status_code == 200, response.json
    assert balance(avon.scheme, "bob") == 2500


def test_a_member_in_debit_cannot_pay_into_another_scheme(avon, create_scheme, create_member):
    create_member(create_scheme("bright"), "bea")
    body = {"payer": "avon/alice", "payee": "bright/bea", "amount": "1.00"}

    response = avon.as_["alice"].post("/federation/trades", body)

    assert_problem(response, 422, "exceeds_wind_up_limit")


def test_a_trade_from_another_scheme_still_reaches_a_member_in_debit(
    avon, create_scheme, create_member, api, token_for, balance
):
    bea = create_member(create_scheme("bright"), "bea")
    body = {"payer": "bright/bea", "payee": "avon/alice", "amount": "10.00"}
    started = api.as_(token_for(bea)).post("/federation/trades", body)
    assert started.status_code == 202, started.json

    settle(started.json["id"])
    db.session.commit()

    assert balance(avon.scheme, "alice") == -2000


def test_no_new_member_joins_a_scheme_winding_up(avon):
    before = db_state()
    body = {"email": "new@avon.test", "display_name": "New", "handle": "newbie"}

    response = avon.as_["olive"].post("/schemes/avon/members", body)

    assert_problem(response, 409, "scheme_winding_up")
    assert db_state() == before


def test_an_active_scheme_keeps_its_credit_limits(scheme_with_members, balance):
    world = scheme_with_members("wilts", network="south-west")

    response = _pay(world, "alice", "bob", "50.00")

    assert response.status_code == 201, response.json
    assert balance(world.scheme, "alice") == -5000


def test_concurrent_payments_never_take_a_creditor_below_zero(ctx, avon, balance):
    """bob holds 30.00; eight payments of 10.00 at once: three are paid, five refused."""
    outcomes: list[str] = []
    errors: list[BaseException] = []
    db.session.commit()  # the test's session holds no transaction (SQLite lock)

    def pay(_index: int) -> None:
        try:
            with ctx.app_context():
                found = get_scheme("avon")
                try:
                    transfer(found, payer="bob", payee="olive", amount="10.00", entered_by=None)
                    db.session.commit()
                    outcomes.append("posted")
                except LetsError as exc:
                    db.session.rollback()
                    outcomes.append(exc.code)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["exceeds_wind_up_limit"] * 5 + ["posted"] * 3
    assert balance(avon.scheme, "bob") == 0
    assert invariants.run_all() == []
