"""Cross-scheme invoices: Bob (bright, Links) invoices Alice (wiltshire, WES units).

One federation unit (an hour) is 10.00 WES units and 12.00 Links, so 12.00 Links cost
Alice 10.00 WES units.
"""

from __future__ import annotations

import threading
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lets_federation.invoices.models import FederatedInvoice
from lets_federation.invoices.operations import accept_invoice
from lets_federation.rates.operations import set_rate
from lets_federation.trades.models import Trade
from lets_federation.trades.operations import settle
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.tenancy import scope
from lets_platform.testing import assert_problem, db_state
from lets_tenants.accounts.models import Account

INVOICES = "/federation/invoices"


@pytest.fixture
def world(scheme_with_members) -> SimpleNamespace:
    wiltshire = scheme_with_members(
        "wiltshire", handles=("alice", "dave"), organiser="carol", rate="10"
    )
    bright = scheme_with_members("bright", handles=("bob", "gita"), organiser="bea", rate="12")
    return SimpleNamespace(wiltshire=wiltshire, bright=bright)


def _send(world, amount: str = "12.00", **fields) -> dict:
    body = {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": amount, "memo": "Bike"}
    response = world.bright.as_["bob"].post(INVOICES, {**body, **fields})
    assert response.status_code == 201, response.json
    return response.json


def _account(scheme, name: str) -> Account:
    db.session.commit()
    return db.session.scalars(
        select(Account).where(Account.scheme_id == scheme.id, Account.name == name)
    ).one()


def _trades() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Trade))


def test_bob_invoices_alice_in_his_own_currency(world):
    invoice = _send(world)

    assert invoice["payer"] == "wiltshire/alice"
    assert invoice["payee"] == "bright/bob"
    assert (invoice["amount"], invoice["currency"]) == ("12.00", "BRI")
    assert invoice["state"] == "open"
    assert invoice["trade"] is None


def test_alice_sees_the_amount_in_her_currency_at_todays_rate(world):
    invoice = _send(world)

    seen = world.wiltshire.as_["alice"].get(f"{INVOICES}/{invoice['id']}").json

    assert (seen["payer_amount_quote"], seen["payer_currency"]) == ("10.00", "WIL")


def test_the_quote_follows_a_change_of_rate(world):
    invoice = _send(world)
    set_rate("wiltshire", "20", actor=None)
    db.session.commit()

    seen = world.wiltshire.as_["alice"].get(f"{INVOICES}/{invoice['id']}").json

    assert seen["payer_amount_quote"] == "20.00"


def test_accepting_makes_a_pending_trade_in_which_bob_gets_exactly_the_invoiced_amount(world):
    invoice = _send(world)

    accepted = world.wiltshire.as_["alice"].post(f"{INVOICES}/{invoice['id']}/accept")

    assert accepted.status_code == 200, accepted.json
    body = accepted.json
    assert (body["state"], body["trade_state"], body["payer_amount"]) == (
        "accepted",
        "pending",
        "10.00",
    )
    trade = db.session.get(Trade, uuid.UUID(body["trade"]))
    assert (trade.currency, trade.payee_amount, trade.payer_amount) == ("payee", 1200, 1000)
    assert _account(world.wiltshire.scheme, "alice").held == 1000


def test_when_the_trade_clears_bob_is_paid_and_alice_charged(world):
    invoice = _send(world)
    trade_id = world.wiltshire.as_["alice"].post(f"{INVOICES}/{invoice['id']}/accept").json["trade"]

    settle(trade_id)
    db.session.commit()

    seen = world.bright.as_["bob"].get(f"{INVOICES}/{invoice['id']}").json
    assert seen["trade_state"] == "cleared"
    assert _account(world.bright.scheme, "bob").balance == 1200
    assert _account(world.wiltshire.scheme, "alice").balance == -1000


def test_accepting_twice_returns_the_same_trade(world):
    invoice = _send(world)
    alice = world.wiltshire.as_["alice"]
    first = alice.post(f"{INVOICES}/{invoice['id']}/accept").json

    again = alice.post(f"{INVOICES}/{invoice['id']}/accept")

    assert again.status_code == 200
    assert again.json["trade"] == first["trade"]
    assert _trades() == 1
    assert _account(world.wiltshire.scheme, "alice").held == 1000


def test_accepts_at_the_same_moment_make_one_trade(ctx, world):
    invoice_id = _send(world)["id"]
    alice_id = world.wiltshire.people["alice"].id
    trades: list[str] = []
    errors: list[BaseException] = []
    db.session.commit()  # the test's session holds no transaction (no SQLite lock)

    def accept() -> None:
        try:
            with ctx.app_context():
                scope.allow_all()
                invoice = accept_invoice(invoice_id, actor=db.session.get(Person, alice_id))
                db.session.commit()
                trades.append(str(invoice.trade_id))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=accept) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(trades) == 6 and len(set(trades)) == 1
    assert _trades() == 1
    assert _account(world.wiltshire.scheme, "alice").held == 1000


def test_alice_may_decline_and_then_it_cannot_be_accepted(world):
    invoice = _send(world)
    alice = world.wiltshire.as_["alice"]

    declined = alice.post(f"{INVOICES}/{invoice['id']}/decline")

    assert declined.json["state"] == "declined"
    assert_problem(alice.post(f"{INVOICES}/{invoice['id']}/accept"), 409, "invoice_not_open")
    assert _trades() == 0


def test_bob_may_cancel_and_then_it_cannot_be_accepted(world):
    invoice = _send(world)

    cancelled = world.bright.as_["bob"].post(f"{INVOICES}/{invoice['id']}/cancel")

    assert cancelled.json["state"] == "cancelled"
    accept = world.wiltshire.as_["alice"].post(f"{INVOICES}/{invoice['id']}/accept")
    assert_problem(accept, 409, "invoice_not_open")


def test_an_organiser_of_alices_scheme_may_accept_for_her(world):
    invoice = _send(world)

    accepted = world.wiltshire.as_["carol"].post(f"{INVOICES}/{invoice['id']}/accept")

    assert accepted.status_code == 200, accepted.json
    assert accepted.json["state"] == "accepted"


@pytest.mark.parametrize(
    ("who", "action"),
    [("bob", "accept"), ("bob", "decline"), ("alice", "cancel"), ("bea", "accept")],
)
def test_only_the_right_side_may_decide(world, who, action):
    invoice = _send(world)
    client = {**world.wiltshire.as_, **world.bright.as_}[who]

    refused = client.post(f"{INVOICES}/{invoice['id']}/{action}")

    assert_problem(refused, 403, "not_permitted")
    assert world.wiltshire.as_["alice"].get(f"{INVOICES}/{invoice['id']}").json["state"] == "open"


def test_a_member_who_is_neither_side_is_told_there_is_no_such_invoice(world):
    invoice = _send(world)

    for client in (world.wiltshire.as_["dave"], world.bright.as_["gita"]):
        assert_problem(client.get(f"{INVOICES}/{invoice['id']}"), 404, "invoice_not_found")
        assert_problem(client.post(f"{INVOICES}/{invoice['id']}/accept"), 404, "invoice_not_found")


def test_one_may_not_send_an_invoice_for_someone_elses_account(world):
    body = {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "1.00"}
    before = db_state()

    for client in (world.bright.as_["gita"], world.wiltshire.as_["alice"]):
        assert_problem(client.post(INVOICES, body), 403, "not_permitted")
    assert db_state() == before


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"payer": "wiltshire/nobody"}, 404, "payer_not_found"),
        ({"payer": "nowhere/alice"}, 404, "payer_not_found"),
        ({"payer": "alice"}, 422, "validation_failed"),
        ({"payer": "bright/gita"}, 422, "use_scheme_transfer"),
        ({"payer": "bright/bob"}, 422, "accounts_must_be_different"),
        ({"amount": "1.234"}, 422, "amount_invalid"),
        ({"amount": 12}, 422, "amount_invalid"),
        ({"amount": "0.00"}, 422, "amount_must_be_positive"),
        ({"amount": None}, 422, "amount_invalid"),
        ({"memo": "x" * 501}, 422, "validation_failed"),
        ({"id": "not-a-uuid"}, 422, "validation_failed"),
    ],
)
def test_bad_input_gets_a_named_error_and_writes_nothing(world, fields, status, code):
    body = {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "12.00", **fields}
    before = db_state()

    assert_problem(world.bright.as_["bob"].post(INVOICES, body), status, code)
    assert db_state() == before


@pytest.mark.parametrize(
    ("status", "code"), [("suspended", "account_suspended"), ("closed", "account_closed")]
)
def test_one_may_not_invoice_an_account_that_is_not_active(world, status, code):
    _account(world.wiltshire.scheme, "alice").status = status
    db.session.commit()
    body = {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "1.00"}

    assert_problem(world.bright.as_["bob"].post(INVOICES, body), 409, code)


def test_an_unknown_payee_is_payee_not_found(world):
    body = {"payer": "wiltshire/alice", "payee": "bright/nobody", "amount": "1.00"}

    assert_problem(world.bright.as_["bob"].post(INVOICES, body), 404, "payee_not_found")


@pytest.mark.parametrize("invoice_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_invoice_is_invoice_not_found(world, invoice_id):
    alice = world.wiltshire.as_["alice"]

    assert_problem(alice.get(f"{INVOICES}/{invoice_id}"), 404, "invoice_not_found")
    assert_problem(alice.post(f"{INVOICES}/{invoice_id}/accept"), 404, "invoice_not_found")


def test_the_trades_own_refusal_passes_through_and_the_invoice_stays_open(world):
    invoice = _send(world, amount="1300.00")  # 108.33 WES units: past alice's -100.00 limit

    refused = world.wiltshire.as_["alice"].post(f"{INVOICES}/{invoice['id']}/accept")

    assert_problem(refused, 422, "exceeds_credit_limit")
    assert world.wiltshire.as_["alice"].get(f"{INVOICES}/{invoice['id']}").json["state"] == "open"
    assert _trades() == 0


def test_sending_the_same_id_again_returns_the_original(world):
    invoice_id = str(uuid.uuid4())
    first = _send(world, id=invoice_id)
    body = {"id": invoice_id, "payer": "wiltshire/alice", "payee": "bright/bob"}

    again = world.bright.as_["bob"].post(INVOICES, {**body, "amount": "12.00", "memo": "Bike"})
    other = world.bright.as_["bob"].post(INVOICES, {**body, "amount": "13.00", "memo": "Bike"})

    assert (again.status_code, again.json["id"]) == (200, first["id"])
    assert_problem(other, 409, "exists_with_different_fields")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(FederatedInvoice)) == 1


def test_each_side_lists_the_invoice_under_its_role(world):
    invoice = _send(world)
    alice, bob = world.wiltshire.as_["alice"], world.bright.as_["bob"]

    assert [i["id"] for i in alice.get(INVOICES, role="payer").json] == [invoice["id"]]
    assert alice.get(INVOICES, role="payee").json == []
    assert [i["id"] for i in bob.get(INVOICES, role="payee").json] == [invoice["id"]]
    assert [i["id"] for i in bob.get(INVOICES).json] == [invoice["id"]]
    assert world.wiltshire.as_["dave"].get(INVOICES).json == []


def test_without_a_token_it_is_unauthenticated(world, api):
    assert_problem(api.get(INVOICES), 401, "unauthenticated")
