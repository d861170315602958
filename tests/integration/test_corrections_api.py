"""Organisers correct a posted transfer by a compensating transfer the other way, never an
edit; corrections never give back more than the transfer moved, and replaying one is safe."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lets_platform import invariants
from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.identity.operations import find_person
from lets_platform.tenancy.operations import get_scheme
from lets_platform.testing import assert_problem, db_state
from lets_tenants.accounts.operations import change_account
from lets_tenants.ledger.operations import correct

CORRECTION_ID = "c0c0c0c0-1111-4222-8333-444455556666"


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    world = scheme_with_members("wiltshire")
    body = {"payer": "alice", "payee": "bob", "amount": "5.00", "memo": "Eggs"}
    world.original = world.as_["alice"].post(world.path + "/transfers", body).json
    return world


def _correct(w: SimpleNamespace, body: dict | None = None, who: str = "olive", **headers: str):
    path = f"{w.path}/transfers/{w.original['id']}/correct"
    return w.as_[who].post(path, body or {}, headers=headers or None)


def test_a_correction_is_a_new_transfer_the_other_way(w):
    response = _correct(w, {"amount": "2.00"})

    assert response.status_code == 201
    body = response.json
    assert (body["payer"], body["payee"], body["amount"]) == ("bob", "alice", "2.00")
    assert (body["kind"], body["channel"], body["corrects"]) == (
        "correction",
        "paper",
        w.original["id"],
    )
    assert body["entered_by"] == "olive@wiltshire.test"
    assert body["id"] != w.original["id"]


def test_a_partial_correction_gives_back_exactly_its_amount(w, balance):
    _correct(w, {"amount": "2.00"})

    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (-300, 300)
    assert invariants.run_all() == []


def test_without_an_amount_all_that_is_left_is_given_back(w, balance):
    _correct(w, {"amount": "2.00"})

    response = _correct(w)

    assert response.json["amount"] == "3.00"
    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (0, 0)


def test_the_original_transfer_is_left_as_it_was(w):
    _correct(w)
    again = w.as_["olive"].get(f"{w.path}/transfers/{w.original['id']}").json
    assert again == w.original


def test_a_correction_names_the_original_in_its_memo_by_default(w):
    assert _correct(w).json["memo"] == f"Correction of {w.original['id']}"


def test_corrections_may_not_exceed_what_the_transfer_moved(w):
    _correct(w, {"amount": "4.00"})
    before = db_state()

    response = _correct(w, {"amount": "1.01"})

    assert_problem(response, 422, "correction_exceeds_original")
    assert db_state() == before


def test_a_fully_corrected_transfer_is_not_corrected_again(w):
    _correct(w)
    before = db_state()
    assert_problem(_correct(w), 422, "correction_exceeds_original")
    assert db_state() == before


def test_replaying_a_correction_with_its_id_returns_it_and_gives_back_once(w, balance):
    first = _correct(w, {"id": CORRECTION_ID, "amount": "2.00"})

    again = _correct(w, {"id": CORRECTION_ID, "amount": "2.00"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert balance(w.scheme, "alice") == -300


def test_replaying_a_full_correction_with_its_id_returns_it(w, balance):
    first = _correct(w, {"id": CORRECTION_ID})

    again = _correct(w, {"id": CORRECTION_ID})

    assert (again.status_code, again.json) == (200, first.json)
    assert balance(w.scheme, "alice") == 0


def test_replaying_a_correction_with_an_idempotency_key_gives_back_once(w, balance):
    first = _correct(w, {"amount": "1.00"}, **{"Idempotency-Key": "fix-1"})

    again = _correct(w, {"amount": "1.00"}, **{"Idempotency-Key": "fix-1"})

    assert (again.status_code, again.json["id"]) == (200, first.json["id"])
    assert balance(w.scheme, "alice") == -400


def test_a_correction_id_reused_with_another_amount_is_refused(w):
    _correct(w, {"id": CORRECTION_ID, "amount": "1.00"})
    before = db_state()

    response = _correct(w, {"id": CORRECTION_ID, "amount": "2.00"})

    assert_problem(response, 409, "exists_with_different_fields")
    assert db_state() == before


def test_a_correction_may_not_reuse_a_payments_id(w):
    before = db_state()
    response = _correct(w, {"id": w.original["id"]})
    assert_problem(response, 409, "exists_with_different_fields")
    assert db_state() == before


def test_a_correction_is_not_itself_corrected(w):
    correction = _correct(w, {"amount": "1.00"}).json
    before = db_state()

    response = w.as_["olive"].post(f"{w.path}/transfers/{correction['id']}/correct", {})

    assert_problem(response, 409, "transfer_not_posted")
    assert db_state() == before


def test_a_suspended_account_may_still_be_corrected(w, balance):
    change_account(w.scheme, "bob", actor=None, status="suspended")
    db.session.commit()

    assert _correct(w).status_code == 201
    assert balance(w.scheme, "bob") == 0


def test_a_correction_that_would_break_a_limit_is_refused(w, balance):
    w.as_["bob"].post(w.path + "/transfers", {"payer": "bob", "payee": "alice", "amount": "5.00"})
    w.as_["bob"].post(w.path + "/transfers", {"payer": "bob", "payee": "olive", "amount": "100.00"})
    before = db_state()

    assert_problem(_correct(w), 422, "exceeds_credit_limit")
    assert db_state() == before


def test_correcting_an_unknown_transfer_is_transfer_not_found(w):
    path = f"{w.path}/transfers/00000000-0000-4000-8000-000000000000/correct"
    assert_problem(w.as_["olive"].post(path, {}), 404, "transfer_not_found")


def test_members_may_not_correct(w):
    before = db_state()
    assert_problem(_correct(w, who="bob"), 403, "not_permitted")
    assert db_state() == before


def test_a_correction_is_in_the_audit_log(w):
    correction = _correct(w).json
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "transfer.corrected"))
    assert entry is not None
    assert entry.subject == f"transfer:{w.original['id']}"
    assert entry.details["correction"] == correction["id"]


def test_concurrent_corrections_never_give_back_more_than_the_transfer_moved(w, ctx, balance):
    """Six organisers' desks correct the same 5.00 at once, each in full: one succeeds."""
    outcomes: list[str] = []
    errors: list[BaseException] = []
    ready = threading.Barrier(6)
    db.session.commit()  # the test's session holds no transaction (SQLite lock)

    def correct_in_full() -> None:
        try:
            with ctx.app_context():
                scheme = get_scheme("wiltshire")
                olive = find_person("olive@wiltshire.test")
                db.session.commit()  # hold no lock while waiting for the others
                ready.wait()
                try:
                    correct(scheme, w.original["id"], entered_by=olive)
                    db.session.commit()
                    outcomes.append("corrected")
                except LetsError as exc:
                    db.session.rollback()
                    outcomes.append(exc.code)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=correct_in_full) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["corrected"] + ["correction_exceeds_original"] * 5
    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (0, 0)
    assert invariants.run_all() == []
