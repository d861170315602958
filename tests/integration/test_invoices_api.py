"""Invoices (payment requests): the sender asks, the payer accepts (which pays, under the
usual limits) or declines, the sender may cancel; organisers may act for either side."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lets_platform import invariants
from lets_platform.testing import assert_problem, db_state


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    return scheme_with_members("wiltshire", handles=("alice", "bob", "carol"))


def _send(w: SimpleNamespace, who: str = "alice", **body):
    return w.as_[who].post(w.path + "/invoices", {"payer": "bob", "amount": "6.00", **body})


def _decide(w: SimpleNamespace, who: str, invoice: dict, decision: str):
    return w.as_[who].post(f"{w.path}/invoices/{invoice['id']}/{decision}")


def test_a_member_sends_an_invoice_from_their_own_account(w):
    response = _send(w, memo="Gardening")

    assert response.status_code == 201
    body = response.json
    assert {k: body[k] for k in ("payer", "payee", "amount", "memo", "state", "transfer")} == {
        "payer": "bob",
        "payee": "alice",
        "amount": "6.00",
        "memo": "Gardening",
        "state": "open",
        "transfer": None,
    }


def test_sending_an_invoice_moves_nothing(w, balance):
    _send(w)
    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (0, 0)


def test_accepting_pays_the_sender(w, balance):
    invoice = _send(w).json

    response = _decide(w, "bob", invoice, "accept")

    assert response.status_code == 200
    assert response.json["state"] == "paid"
    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (600, -600)
    assert invariants.run_all() == []


def test_the_payment_of_an_accepted_invoice_is_a_transfer_of_kind_invoice(w):
    invoice = _send(w).json
    paid = _decide(w, "bob", invoice, "accept").json

    made = w.as_["bob"].get(f"{w.path}/transfers/{paid['transfer']}").json

    assert (made["payer"], made["payee"], made["amount"], made["kind"]) == (
        "bob",
        "alice",
        "6.00",
        "invoice",
    )


def test_accepting_twice_pays_once(w, balance):
    invoice = _send(w).json
    first = _decide(w, "bob", invoice, "accept").json

    again = _decide(w, "bob", invoice, "accept")

    assert (again.status_code, again.json) == (200, first)
    assert balance(w.scheme, "bob") == -600


def test_accepting_beyond_the_credit_limit_is_refused_and_the_invoice_stays_open(w):
    invoice = _send(w, amount="100.01").json
    before = db_state()

    assert_problem(_decide(w, "bob", invoice, "accept"), 422, "exceeds_credit_limit")
    assert db_state() == before
    assert w.as_["bob"].get(f"{w.path}/invoices/{invoice['id']}").json["state"] == "open"


def test_the_payer_declines(w, balance):
    invoice = _send(w).json

    response = _decide(w, "bob", invoice, "decline")

    assert (response.status_code, response.json["state"]) == (200, "declined")
    assert response.json["decided_at"] is not None
    assert balance(w.scheme, "bob") == 0


def test_the_sender_cancels(w):
    invoice = _send(w).json
    assert _decide(w, "alice", invoice, "cancel").json["state"] == "cancelled"


@pytest.mark.parametrize("first", ["decline", "cancel", "accept"])
@pytest.mark.parametrize("then", ["decline", "cancel"])
def test_a_decided_invoice_is_not_open_any_more(w, first, then):
    invoice = _send(w).json
    _decide(w, "olive", invoice, first)
    before = db_state()

    assert_problem(_decide(w, "olive", invoice, then), 409, "invoice_not_open")
    assert db_state() == before


def test_a_declined_invoice_cannot_be_accepted(w):
    invoice = _send(w).json
    _decide(w, "bob", invoice, "decline")
    before = db_state()
    assert_problem(_decide(w, "bob", invoice, "accept"), 409, "invoice_not_open")
    assert db_state() == before


def test_the_sender_may_not_accept_their_own_invoice(w):
    invoice = _send(w).json
    before = db_state()
    assert_problem(_decide(w, "alice", invoice, "accept"), 403, "not_permitted")
    assert db_state() == before


def test_the_payer_may_not_cancel(w):
    invoice = _send(w).json
    before = db_state()
    assert_problem(_decide(w, "bob", invoice, "cancel"), 403, "not_permitted")
    assert db_state() == before


def test_a_member_who_is_no_party_finds_no_such_invoice(w):
    invoice = _send(w).json
    response = w.as_["carol"].get(f"{w.path}/invoices/{invoice['id']}")
    assert_problem(response, 404, "invoice_not_found")


def test_a_member_who_is_no_party_may_not_decide(w):
    invoice = _send(w).json
    before = db_state()
    assert_problem(_decide(w, "carol", invoice, "accept"), 404, "invoice_not_found")
    assert db_state() == before


def test_an_organiser_accepts_on_behalf_of_the_payer(w, balance):
    invoice = _send(w).json
    assert _decide(w, "olive", invoice, "accept").json["state"] == "paid"
    assert balance(w.scheme, "bob") == -600


def test_an_organiser_sends_an_invoice_for_a_member(w):
    response = _send(w, who="olive", payee="carol")
    assert (response.status_code, response.json["payee"]) == (201, "carol")


def test_a_member_may_not_send_an_invoice_for_another_member(w):
    before = db_state()
    assert_problem(_send(w, payee="carol"), 403, "not_permitted")
    assert db_state() == before


def test_an_invoice_to_oneself_is_accounts_must_be_different(w):
    before = db_state()
    assert_problem(_send(w, payer="alice"), 422, "accounts_must_be_different")
    assert db_state() == before


def test_an_invoice_to_an_unknown_account_is_payer_not_found(w):
    before = db_state()
    assert_problem(_send(w, payer="nobody"), 404, "payer_not_found")
    assert db_state() == before


def test_an_invoice_to_a_closed_account_is_account_closed(w):
    w.as_["olive"].patch(w.path + "/accounts/bob", {"status": "closed"})
    before = db_state()
    assert_problem(_send(w), 409, "account_closed")
    assert db_state() == before


def test_an_invoice_of_zero_is_amount_must_be_positive(w):
    before = db_state()
    assert_problem(_send(w, amount="0.00"), 422, "amount_must_be_positive")
    assert db_state() == before


def test_an_invoice_id_that_is_not_a_uuid_is_not_found(w):
    assert_problem(w.as_["olive"].get(f"{w.path}/invoices/42"), 404, "invoice_not_found")


def test_a_member_lists_the_invoices_they_are_party_to(w):
    mine = _send(w).json["id"]
    _send(w, who="carol", payer="olive")
    listed = w.as_["bob"].get(w.path + "/invoices").json
    assert [i["id"] for i in listed] == [mine]


def test_the_list_filters_by_state(w):
    open_one = _send(w).json
    _decide(w, "bob", _send(w).json, "decline")
    listed = w.as_["olive"].get(w.path + "/invoices", state="open").json
    assert [i["id"] for i in listed] == [open_one["id"]]


def test_an_unknown_state_filter_is_validation_failed(w):
    response = w.as_["olive"].get(w.path + "/invoices", state="lost")
    assert_problem(response, 422, "validation_failed")


def test_a_member_may_not_list_another_members_invoices(w):
    response = w.as_["alice"].get(w.path + "/invoices", account="carol")
    assert_problem(response, 403, "not_permitted")
