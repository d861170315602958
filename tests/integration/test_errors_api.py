"""Every named error of the README's catalogue, triggered through the API.

Each is answered as ``application/problem+json`` with its status and stable ``code``, and
the refused request writes nothing: every table's rows, every balance, limit and status,
and every invoice's state are as they were.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import update

from lets_platform.app import create_app
from lets_platform.db import db
from lets_platform.oauth.testing import issue_access_token, register_client
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
from lets_tenants.invoices.operations import decline_invoice, send_invoice
from lets_tenants.ledger.operations import correct, transfer

KNOWN_ID = "7d5e0a3c-2f4b-4c1e-9a8d-1b2c3d4e5f60"


def _pay(payer: str = "alice", payee: str = "bob", amount: Any = "1.00", **extra: Any) -> dict:
    return {"payer": payer, "payee": payee, "amount": amount, **extra}


def _transfers(w: SimpleNamespace) -> str:
    return w.path + "/transfers"


def _known_transfer(w: SimpleNamespace) -> None:
    transfer(w.scheme, payer="alice", payee="bob", amount="1.00", id=KNOWN_ID, entered_by=None)


def _set_status(handle: str, status: str) -> Callable[[SimpleNamespace], None]:
    def arrange(w: SimpleNamespace) -> None:
        change_account(w.scheme, handle, actor=None, status=status)

    return arrange


def _not_trading(w: SimpleNamespace) -> None:
    db.session.execute(update(Scheme).where(Scheme.id == w.scheme.id).values(status="closed"))


def _upper_limit(w: SimpleNamespace) -> None:
    change_account(w.scheme, "bob", actor=None, max_balance="10.00")


def _alice_owes(amount: str) -> Callable[[SimpleNamespace], None]:
    def arrange(w: SimpleNamespace) -> None:
        transfer(w.scheme, payer="alice", payee="bob", amount=amount, entered_by=None)

    return arrange


def _declined_invoice(w: SimpleNamespace) -> None:
    invoice = send_invoice(
        w.scheme, sender="alice", payer="bob", amount="3.00", memo="", actor=None
    )
    decline_invoice(w.scheme, invoice.id, actor=w.people["bob"])
    w.invoice = str(invoice.id)


def _posted(w: SimpleNamespace) -> None:
    w.transfer = str(
        transfer(w.scheme, payer="alice", payee="bob", amount="5.00", entered_by=None).transfer.id
    )


def _correction(w: SimpleNamespace) -> None:
    _posted(w)
    w.correction = str(correct(w.scheme, w.transfer, entered_by=w.people["olive"]).transfer.id)


def _application_token(w: SimpleNamespace) -> None:
    client, _ = register_client()
    token = issue_access_token(client, w.people["alice"], "openid profile")
    w.as_["alice_app"] = w.as_["alice"].as_(token)


def _scheme(**fields: Any) -> dict[str, Any]:
    currency = {"code": "NEW", "name": "New units"}
    return {"slug": "new", "name": "New", "currency": currency, **fields}


#: code -> (status, arrange(world) or None, acting handle or None, method, path(world), body)
CASES: dict[str, tuple[int, Any, str | None, str, Callable[[Any], str], Any]] = {
    "accounts_must_be_different": (
        422, None, "alice", "POST", _transfers, _pay(payee="alice")
    ),
    "amount_invalid": (422, None, "alice", "POST", _transfers, _pay(amount=12.5)),
    "amount_must_be_positive": (
        422, None, "alice", "POST", _transfers, _pay(amount="0.00")
    ),
    "amount_too_large": (
        422, None, "alice", "POST", _transfers, _pay(amount="10000000000000.01")
    ),
    "exists_with_different_fields": (
        409, _known_transfer, "alice", "POST", _transfers,
        _pay(amount="2.00", id=KNOWN_ID),
    ),
    "payer_not_found": (404, None, "olive", "POST", _transfers, _pay(payer="nobody")),
    "payee_not_found": (404, None, "alice", "POST", _transfers, _pay(payee="nobody")),
    "account_closed": (
        409, _set_status("bob", "closed"), "alice", "POST", _transfers, _pay()
    ),
    "account_suspended": (
        409, _set_status("bob", "suspended"), "alice", "POST", _transfers, _pay()
    ),
    "exceeds_credit_limit": (
        422, None, "alice", "POST", _transfers, _pay(amount="100.01")
    ),
    "exceeds_upper_limit": (
        422, _upper_limit, "alice", "POST", _transfers, _pay(amount="10.01")
    ),
    "validation_failed": (
        422, None, "alice", "POST", _transfers, _pay(channel="carrier-pigeon")
    ),
    "unauthenticated": (401, None, None, "POST", _transfers, _pay()),
    "not_permitted": (403, None, "alice", "POST", _transfers, _pay(payer="bob")),
    "scheme_not_found": (404, None, "olive", "GET", lambda w: "/schemes/nowhere/accounts", None),
    "account_not_found": (404, None, "olive", "GET", lambda w: w.path + "/accounts/nobody", None),
    "transfer_not_found": (
        404, None, "olive", "GET", lambda w: f"{w.path}/transfers/{uuid.uuid4()}", None
    ),
    "invoice_not_found": (
        404, None, "olive", "POST", lambda w: w.path + f"/invoices/{uuid.uuid4()}/accept", None
    ),
    "invoice_not_open": (
        409, _declined_invoice, "bob", "POST", lambda w: f"{w.path}/invoices/{w.invoice}/accept",
        None,
    ),
    "handle_taken": (
        409, None, "olive", "POST", lambda w: w.path + "/members",
        {"email": "another@example.org", "display_name": "Another", "handle": "alice"},
    ),
    "handle_reserved": (
        422, None, "olive", "POST", lambda w: w.path + "/members",
        {"email": "another@example.org", "display_name": "Another", "handle": "opening-balances"},
    ),
    "limits_exclude_balance": (
        409, _alice_owes("50.00"), "olive", "PATCH", lambda w: w.path + "/accounts/alice",
        {"min_balance": "-40.00"},
    ),
    "balance_not_zero": (
        409, _alice_owes("1.00"), "olive", "PATCH", lambda w: w.path + "/accounts/alice",
        {"status": "closed"},
    ),
    "correction_exceeds_original": (
        422, _posted, "olive", "POST", lambda w: w.path + f"/transfers/{w.transfer}/correct",
        {"amount": "5.01"},
    ),
    "transfer_not_posted": (
        409, _correction, "olive", "POST",
        lambda w: f"{w.path}/transfers/{w.correction}/correct", {},
    ),
    "account_name_taken": (
        409, None, "olive", "POST", lambda w: w.path + "/accounts", {"name": "bob", "title": "B"},
    ),
    "account_not_manageable": (
        409, None, "olive", "PATCH", lambda w: w.path + "/accounts/federation",
        {"status": "suspended"},
    ),
    "already_member": (
        409, None, "olive", "POST", lambda w: w.path + "/members",
        {"email": "bob@wiltshire.test", "display_name": "Bob", "handle": "bob2"},
    ),
    "member_not_found": (
        404, None, "olive", "POST", lambda w: w.path + "/members/nobody/roles",
        {"role": "mediator"},
    ),
    "scheme_exists": (
        409, None, "nadia", "POST", lambda w: "/schemes", _scheme(slug="wiltshire"),
    ),
    "rate_invalid": (422, None, "nadia", "POST", lambda w: "/schemes", _scheme(rate="1e3")),
    "consent_not_found": (
        404, None, "alice", "DELETE", lambda w: "/me/consents/letsc_nobody", None,
    ),
    "personal_token_required": (
        403, _application_token, "alice_app", "GET", lambda w: "/me/consents", None,
    ),
}  # fmt: skip


@pytest.fixture
def world(scheme_with_members, create_admin, token_for) -> SimpleNamespace:
    """Wiltshire with alice, bob and olive (organiser); nadia is the national body."""
    world = scheme_with_members("wiltshire")
    world.as_["nadia"] = world.as_["alice"].as_(token_for(create_admin()))
    return world


def _readme_codes() -> set[str]:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    found = re.search(r"The ledger checks in this order(.*?)An id or name", readme, re.S)
    assert found is not None, "the README's list of errors has moved"
    return set(re.findall(r"`([a-z_]+)`", found.group(1)))


#: Errors with tests of their own below (too_many_requests: test_rate_limits.py).
OWN_TESTS = {"scheme_not_trading", "temporarily_unavailable", "too_many_requests"}


def test_every_error_the_readme_lists_is_triggered_here():
    """and, the other way, every error triggered here is in the README's list."""
    assert _readme_codes() - OWN_TESTS == set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_named_error_is_a_problem_and_writes_nothing(world, api, code):
    status, arrange, who, method, path, body = CASES[code]
    if arrange is not None:
        arrange(world)
        db.session.commit()
    client = world.as_[who] if who else api
    before = db_state()

    response = client.call(method, path(world), json=body, headers=client._headers(None))

    assert_problem(response, status, code)
    assert db_state() == before


def test_an_unreachable_database_is_temporarily_unavailable(tmp_path):
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "LETS_INSTANCE_PATH": str(tmp_path),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/folder/lets.sqlite",
    }
    with keep_jobs_bound():
        app = create_app(settings)
        try:
            with app.app_context():
                response = Api(app.test_client(), "no-such-token").get("/schemes")
        finally:
            dispose(app)

    assert_problem(response, 503, "temporarily_unavailable")


def test_a_scheme_that_is_not_trading_is_scheme_not_trading(world, database_url):
    """The ledger core alone: with the federation loaded, its guard refuses every write to
    a closed scheme earlier, as ``scheme_closed``."""
    with keep_jobs_bound():
        core = make_app(database_url, LETS_MODULES="lets_tenants")
        try:
            _not_trading(world)
            db.session.commit()
            before = db_state()
            client = Api(core.test_client(), world.as_["alice"].token)
            response = client.post(world.path + "/transfers", _pay())
        finally:
            dispose(core)

    assert_problem(response, 409, "scheme_not_trading")
    assert db_state() == before
