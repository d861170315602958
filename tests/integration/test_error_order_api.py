"""The ledger's errors come in the README's order: when a payment breaks two rules, the
one listed first is answered, whichever account happens to be locked first."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_platform.testing import (
    Api,
    assert_problem,
    db_state,
    dispose,
    keep_jobs_bound,
    make_app,
)
from lets_tenants.accounts.operations import change_account
from lets_tenants.ledger.operations import transfer

KNOWN_ID = "0f4c8f86-9a55-4f61-8f0e-3a9d6c1b2e77"


@pytest.fixture
def world(scheme_with_members) -> SimpleNamespace:
    return scheme_with_members("wiltshire")


@pytest.fixture(scope="module")
def core(database_url: str) -> Iterator[Flask]:
    """The ledger core alone, on the tests' database: with the federation loaded, its guard
    refuses every write to a closed scheme before the ledger, as ``scheme_closed``."""
    with keep_jobs_bound():
        app = make_app(database_url, LETS_MODULES="lets_tenants")
        yield app
        dispose(app)


def _pay(w: SimpleNamespace, who: str, app: Flask | None = None, **body: Any) -> Any:
    client = w.as_[who] if app is None else Api(app.test_client(), w.as_[who].token)
    return client.post(w.path + "/transfers", {"payer": "alice", "payee": "bob", **body})


def _refused(
    w: SimpleNamespace, who: str, status: int, code: str, app: Flask | None = None, **body: Any
) -> None:
    before = db_state()
    assert_problem(_pay(w, who, app, **body), status, code)
    assert db_state() == before


def test_same_accounts_come_before_a_bad_amount(world):
    _refused(world, "alice", 422, "accounts_must_be_different", payee="alice", amount=1.5)


def test_a_bad_amount_comes_before_unknown_accounts(world):
    _refused(world, "olive", 422, "amount_invalid", payer="nobody", payee="none", amount="x")


def test_a_non_positive_amount_comes_before_unknown_accounts(world):
    _refused(world, "olive", 422, "amount_must_be_positive", payer="nobody", amount="-1.00")


def test_a_too_large_amount_comes_before_unknown_accounts(world):
    _refused(world, "olive", 422, "amount_too_large", payee="nobody", amount="1" + "0" * 18)


def test_a_known_id_with_other_fields_comes_before_the_accounts(world):
    transfer(world.scheme, payer="alice", payee="bob", amount="1.00", id=KNOWN_ID, entered_by=None)
    db.session.commit()
    _refused(
        world, "olive", 409, "exists_with_different_fields", payee="nobody", amount="1.00",
        id=KNOWN_ID,
    )  # fmt: skip


def test_an_unknown_payer_comes_before_an_unknown_payee(world):
    _refused(world, "olive", 404, "payer_not_found", payer="nobody", payee="none", amount="1.00")


def test_an_unknown_payee_comes_before_a_closed_payer(world):
    change_account(world.scheme, "alice", actor=None, status="closed")
    db.session.commit()
    _refused(world, "olive", 404, "payee_not_found", payee="nobody", amount="1.00")


def test_a_closed_account_comes_before_a_scheme_that_does_not_trade(world, core):
    change_account(world.scheme, "bob", actor=None, status="closed")
    db.session.execute(update(Scheme).where(Scheme.id == world.scheme.id).values(status="closed"))
    db.session.commit()
    _refused(world, "alice", 409, "account_closed", core, amount="1.00")


def test_a_suspended_account_comes_before_a_scheme_that_does_not_trade(world, core):
    change_account(world.scheme, "bob", actor=None, status="suspended")
    db.session.execute(update(Scheme).where(Scheme.id == world.scheme.id).values(status="closed"))
    db.session.commit()
    _refused(world, "alice", 409, "account_suspended", core, amount="1.00")


def test_a_scheme_that_does_not_trade_comes_before_the_credit_limit(world, core):
    db.session.execute(update(Scheme).where(Scheme.id == world.scheme.id).values(status="closed"))
    db.session.commit()
    _refused(world, "alice", 409, "scheme_not_trading", core, amount="500.00")


def test_the_credit_limit_comes_before_the_upper_limit_when_the_payer_is_older(world):
    change_account(world.scheme, "bob", actor=None, max_balance="10.00")
    db.session.commit()
    _refused(world, "alice", 422, "exceeds_credit_limit", amount="100.01")


def test_the_credit_limit_comes_before_the_upper_limit_when_the_payee_is_older(world):
    """bob's account was opened after alice's, so alice's row is updated first."""
    change_account(world.scheme, "alice", actor=None, max_balance="10.00")
    db.session.commit()
    _refused(world, "bob", 422, "exceeds_credit_limit", payer="bob", payee="alice", amount="100.01")
