"""Paying through the API: members pay from their own account, organisers enter paper
transfers for anyone, and everyone reads the transfers they are party to."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lets_platform import invariants
from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.testing import assert_problem, db_state
from lets_tenants.accounts.operations import open_central_account


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    return scheme_with_members("wiltshire", handles=("alice", "bob", "carol"))


def _pay(w: SimpleNamespace, who: str, payer: str, payee: str, amount: str, **extra):
    body = {"payer": payer, "payee": payee, "amount": amount, **extra}
    return w.as_[who].post(w.path + "/transfers", body)


def test_a_payment_answers_the_posted_transfer(w):
    response = _pay(w, "alice", "alice", "bob", "12.50", memo="  Eggs  ")

    assert response.status_code == 201
    body = response.json
    assert {k: body[k] for k in ("payer", "payee", "amount", "memo", "state", "kind")} == {
        "payer": "alice",
        "payee": "bob",
        "amount": "12.50",
        "memo": "Eggs",
        "state": "posted",
        "kind": "payment",
    }
    assert body["channel"] == "online"
    assert body["entered_by"] == "alice@wiltshire.test"
    assert body["created_at"] and body["posted_at"] and body["id"]


def test_a_payment_moves_the_amount_and_keeps_the_books(w, balance):
    _pay(w, "alice", "alice", "bob", "12.50")

    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (-1250, 1250)
    assert invariants.run_all() == []


def test_a_client_chosen_id_is_kept(w):
    chosen = "5b0c4a86-6f0e-4b7b-9d43-0c61b1f0d2aa"

    response = _pay(w, "alice", "alice", "bob", "1.00", id=chosen)

    assert response.status_code == 201
    assert response.json["id"] == chosen


def test_an_id_that_is_not_a_uuid_is_validation_failed(w):
    before = db_state()
    assert_problem(_pay(w, "alice", "alice", "bob", "1.00", id="42"), 422, "validation_failed")
    assert db_state() == before


def test_a_memo_over_500_characters_is_validation_failed(w):
    before = db_state()
    response = _pay(w, "alice", "alice", "bob", "1.00", memo="x" * 501)
    assert_problem(response, 422, "validation_failed")
    assert db_state() == before


def test_a_memo_that_is_not_text_is_validation_failed(w):
    before = db_state()
    assert_problem(
        _pay(w, "alice", "alice", "bob", "1.00", memo={"a": 1}), 422, "validation_failed"
    )
    assert db_state() == before


def test_a_body_missing_the_payee_is_validation_failed(w):
    before = db_state()
    response = w.as_["alice"].post(w.path + "/transfers", {"payer": "alice", "amount": "1.00"})
    assert_problem(response, 422, "validation_failed")
    assert db_state() == before


def test_an_organiser_enters_a_cheque_for_a_member_and_it_records_who(w, balance):
    response = _pay(w, "olive", "alice", "bob", "3.00", channel="cheque")

    assert response.status_code == 201
    assert (response.json["channel"], response.json["entered_by"]) == (
        "cheque",
        "olive@wiltshire.test",
    )
    assert balance(w.scheme, "alice") == -300


def test_a_transfer_entered_on_behalf_is_in_the_audit_log(w):
    response = _pay(w, "olive", "alice", "bob", "3.00", channel="voucher")

    event = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "transfer.entered_on_behalf")
    )
    assert event is not None
    assert event.subject == f"transfer:{response.json['id']}"
    assert event.actor_id == w.people["olive"].id


def test_a_member_may_not_record_a_paper_channel(w):
    before = db_state()
    response = _pay(w, "alice", "alice", "bob", "3.00", channel="cheque")
    assert_problem(response, 403, "not_permitted")
    assert db_state() == before


def test_a_member_may_not_pay_from_another_members_account(w):
    before = db_state()
    assert_problem(_pay(w, "alice", "bob", "carol", "1.00"), 403, "not_permitted")
    assert db_state() == before


def test_an_organiser_pays_from_a_central_account(w, balance):
    open_central_account(w.scheme, "fund", "Administration fund", min_balance="-50.00", actor=None)
    db.session.commit()

    response = _pay(w, "olive", "fund", "alice", "20.00", memo="Newsletter")

    assert response.status_code == 201
    assert balance(w.scheme, "fund") == -2000


def test_a_member_may_not_pay_from_a_central_account(w):
    open_central_account(w.scheme, "fund", "Administration fund", min_balance="-50.00", actor=None)
    db.session.commit()
    before = db_state()
    assert_problem(_pay(w, "alice", "fund", "alice", "1.00"), 403, "not_permitted")
    assert db_state() == before


def test_an_organiser_may_not_pay_from_the_federation_account(w):
    before = db_state()
    assert_problem(_pay(w, "olive", "federation", "alice", "1.00"), 403, "not_permitted")
    assert db_state() == before


def test_the_payer_reads_a_transfer(w):
    made = _pay(w, "alice", "alice", "bob", "2.00").json

    response = w.as_["alice"].get(f"{w.path}/transfers/{made['id']}")

    assert response.status_code == 200
    assert response.json == made


def test_the_payee_reads_a_transfer(w):
    made = _pay(w, "alice", "alice", "bob", "2.00").json
    assert w.as_["bob"].get(f"{w.path}/transfers/{made['id']}").json == made


def test_a_member_who_is_no_party_to_a_transfer_finds_no_such_transfer(w):
    made = _pay(w, "alice", "alice", "bob", "2.00").json
    response = w.as_["carol"].get(f"{w.path}/transfers/{made['id']}")
    assert_problem(response, 404, "transfer_not_found")


def test_an_organiser_reads_any_transfer(w):
    made = _pay(w, "alice", "alice", "bob", "2.00").json
    assert w.as_["olive"].get(f"{w.path}/transfers/{made['id']}").status_code == 200


def test_a_transfer_id_that_is_not_a_uuid_is_not_found(w):
    assert_problem(w.as_["olive"].get(f"{w.path}/transfers/42"), 404, "transfer_not_found")


def test_a_member_lists_only_their_own_transfers_newest_first(w):
    first = _pay(w, "alice", "alice", "bob", "1.00").json["id"]
    _pay(w, "bob", "bob", "carol", "2.00")
    second = _pay(w, "carol", "carol", "alice", "3.00").json["id"]

    response = w.as_["alice"].get(w.path + "/transfers")

    assert [t["id"] for t in response.json["items"]] == [second, first]
    assert response.json["next_cursor"] is None


def test_an_organiser_lists_every_transfer(w):
    for payer, payee in (("alice", "bob"), ("bob", "carol"), ("carol", "alice")):
        _pay(w, payer, payer, payee, "1.00")
    assert len(w.as_["olive"].get(w.path + "/transfers").json["items"]) == 3


def test_an_organiser_lists_one_accounts_transfers(w):
    _pay(w, "alice", "alice", "bob", "1.00")
    _pay(w, "bob", "bob", "carol", "1.00")
    items = w.as_["olive"].get(w.path + "/transfers", account="carol").json["items"]
    assert [(t["payer"], t["payee"]) for t in items] == [("bob", "carol")]


def test_a_member_may_not_list_another_members_transfers(w):
    response = w.as_["alice"].get(w.path + "/transfers", account="bob")
    assert_problem(response, 403, "not_permitted")


def test_the_list_pages_with_a_cursor_until_the_last_page(w):
    ids = [_pay(w, "alice", "alice", "bob", f"{n}.00").json["id"] for n in range(1, 6)]
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = w.as_["alice"].get(w.path + "/transfers", **query).json
        seen += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]


def test_a_cursor_the_api_did_not_give_is_validation_failed(w):
    response = w.as_["alice"].get(w.path + "/transfers", cursor="bm9wZQ")
    assert_problem(response, 422, "validation_failed")


def test_a_limit_beyond_500_is_validation_failed(w):
    assert_problem(w.as_["alice"].get(w.path + "/transfers", limit=501), 422, "validation_failed")
