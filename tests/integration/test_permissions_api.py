"""Who may call each endpoint of the ledger core, endpoint by endpoint: nobody without a
token; the national body alone provisions; an organiser of another scheme nothing in this
one; a member their own account's business and not the organisers'.

(``test_permission_matrix.py`` checks the role x action matrix; this file checks that each
endpoint asks for the right action.) The app's routes are enumerated, so a new endpoint
of the ledger core's blueprints fails here until it is listed.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from lets_platform.db import db
from lets_platform.testing import assert_problem, db_state
from lets_tenants.invoices.operations import send_invoice
from lets_tenants.ledger.operations import transfer

#: The ledger core's blueprints; other areas' endpoints are theirs to specify.
CORE = {"schemes", "accounts", "members", "transfers", "invoices", "statements", "audit"}
S = "/schemes/wiltshire"
OK = "allowed"
REFUSED = (403, "not_permitted")
NEW_CURRENCY = {"code": "NEW", "name": "News"}

#: (method, route) -> (request(world) -> (path, body), what a member (alice) gets)
Request = Callable[[SimpleNamespace], tuple[str, Any]]
ENDPOINTS: dict[tuple[str, str], tuple[Request, Any]] = {
    ("GET", "/api/v1/schemes"): (lambda w: ("/schemes", None), OK),
    ("POST", "/api/v1/schemes"): (
        lambda w: ("/schemes", {"slug": "new", "name": "N", "currency": NEW_CURRENCY}),
        REFUSED,
    ),
    ("GET", "/api/v1/schemes/<slug>"): (lambda w: (S, None), OK),
    ("GET", "/api/v1/networks"): (lambda w: ("/networks", None), OK),
    ("POST", "/api/v1/networks"): (lambda w: ("/networks", {"slug": "n", "name": "N"}), REFUSED),
    ("POST", "/api/v1/networks/<network>/organisers"): (
        lambda w: ("/networks/south-west/organisers", {"email": "bob@wiltshire.test"}),
        REFUSED,
    ),
    ("GET", "/api/v1/audit"): (lambda w: ("/audit", None), REFUSED),
    ("GET", "/api/v1/schemes/<scheme>/audit"): (lambda w: (f"{S}/audit", None), REFUSED),
    ("GET", "/api/v1/schemes/<scheme>/accounts"): (lambda w: (f"{S}/accounts", None), REFUSED),
    ("POST", "/api/v1/schemes/<scheme>/accounts"): (
        lambda w: (f"{S}/accounts", {"name": "fund", "title": "Fund"}),
        REFUSED,
    ),
    ("GET", "/api/v1/schemes/<scheme>/accounts/<account>"): (
        lambda w: (f"{S}/accounts/alice", None),
        OK,
    ),
    ("PATCH", "/api/v1/schemes/<scheme>/accounts/<account>"): (
        lambda w: (f"{S}/accounts/alice", {"min_balance": "-500.00"}),
        REFUSED,
    ),
    ("GET", "/api/v1/schemes/<scheme>/accounts/<account>/statement"): (
        lambda w: (f"{S}/accounts/alice/statement", None),
        OK,
    ),
    ("POST", "/api/v1/schemes/<scheme>/members"): (
        lambda w: (f"{S}/members", {"email": "x@example.org", "display_name": "X", "handle": "x"}),
        REFUSED,
    ),
    ("GET", "/api/v1/schemes/<scheme>/members"): (lambda w: (f"{S}/members", None), OK),
    ("GET", "/api/v1/schemes/<scheme>/roles"): (lambda w: (f"{S}/roles", None), REFUSED),
    ("POST", "/api/v1/schemes/<scheme>/members/<handle>/roles"): (
        lambda w: (f"{S}/members/alice/roles", {"role": "treasurer"}),
        REFUSED,
    ),
    ("DELETE", "/api/v1/schemes/<scheme>/members/<handle>/roles/<role>"): (
        lambda w: (f"{S}/members/olive/roles/organiser", None),
        REFUSED,
    ),
    ("POST", "/api/v1/schemes/<scheme>/members/<handle>/invitation"): (
        lambda w: (f"{S}/members/bob/invitation", {}),
        REFUSED,
    ),
    ("POST", "/api/v1/schemes/<scheme>/transfers"): (
        lambda w: (f"{S}/transfers", {"payer": "alice", "payee": "bob", "amount": "1.00"}),
        OK,
    ),
    ("GET", "/api/v1/schemes/<scheme>/transfers"): (lambda w: (f"{S}/transfers", None), OK),
    ("GET", "/api/v1/schemes/<scheme>/transfers/<transfer_id>"): (
        lambda w: (f"{S}/transfers/{w.transfer}", None),
        OK,
    ),
    ("POST", "/api/v1/schemes/<scheme>/transfers/<transfer_id>/correct"): (
        lambda w: (f"{S}/transfers/{w.transfer}/correct", {"amount": "0.01"}),
        REFUSED,
    ),
    ("POST", "/api/v1/schemes/<scheme>/invoices"): (
        lambda w: (f"{S}/invoices", {"payer": "bob", "amount": "1.00"}),
        OK,
    ),
    ("GET", "/api/v1/schemes/<scheme>/invoices"): (lambda w: (f"{S}/invoices", None), OK),
    ("GET", "/api/v1/schemes/<scheme>/invoices/<invoice_id>"): (
        lambda w: (f"{S}/invoices/{w.invoice}", None),
        OK,
    ),
    ("POST", "/api/v1/schemes/<scheme>/invoices/<invoice_id>/accept"): (
        lambda w: (f"{S}/invoices/{w.invoice}/accept", None),
        OK,
    ),
    ("POST", "/api/v1/schemes/<scheme>/invoices/<invoice_id>/decline"): (
        lambda w: (f"{S}/invoices/{w.invoice}/decline", None),
        OK,
    ),
    ("POST", "/api/v1/schemes/<scheme>/invoices/<invoice_id>/cancel"): (
        lambda w: (f"{S}/invoices/{w.invoice}/cancel", None),
        REFUSED,  # alice is the invoice's payer; only its sender cancels
    ),
}  # fmt: skip

#: Routes anyone signed in may read, in any scheme.
PUBLIC_TO_THE_SIGNED_IN = {
    ("GET", "/api/v1/schemes"),
    ("GET", "/api/v1/schemes/<slug>"),
    ("GET", "/api/v1/networks"),
}


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    """Wiltshire (south-west) with alice, bob and olive; bob invoiced alice; alice paid
    bob; oscar organises Bright and nothing in Wiltshire."""
    world = scheme_with_members("wiltshire", network="south-west")
    world.transfer = str(
        transfer(
            world.scheme, payer="alice", payee="bob", amount="2.00", entered_by=None
        ).transfer.id
    )
    invoice = send_invoice(
        world.scheme, sender="bob", payer="alice", amount="1.00", memo="", actor=None
    )
    db.session.commit()
    world.invoice = str(invoice.id)
    world.outsider = scheme_with_members("bright", handles=(), organiser="oscar").as_["oscar"]
    return world


def _call(client: Any, method: str, path: str, body: Any) -> Any:
    return client.call(method, path, json=body, headers=client._headers(None))


def test_every_endpoint_of_the_ledger_core_is_listed(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.partition(".")[0] in CORE
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(ENDPOINTS)


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_without_a_token_every_endpoint_is_unauthenticated_and_writes_nothing(w, api, endpoint):
    path, body = ENDPOINTS[endpoint][0](w)
    before = db_state()
    assert_problem(_call(api, endpoint[0], path, body), 401, "unauthenticated")
    assert db_state() == before


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_a_member_gets_what_the_endpoint_allows_members(w, endpoint):
    path, body = ENDPOINTS[endpoint][0](w)
    expected = ENDPOINTS[endpoint][1]
    before = db_state()

    response = _call(w.as_["alice"], endpoint[0], path, body)

    if expected == OK:
        assert response.status_code < 400, response.json
    else:
        assert_problem(response, *expected)
        assert db_state() == before


@pytest.mark.parametrize("endpoint", sorted(set(ENDPOINTS) - PUBLIC_TO_THE_SIGNED_IN))
def test_an_organiser_of_another_scheme_is_refused_and_writes_nothing(w, endpoint):
    path, body = ENDPOINTS[endpoint][0](w)
    before = db_state()
    assert_problem(_call(w.outsider, endpoint[0], path, body), 403, "not_permitted")
    assert db_state() == before


@pytest.mark.parametrize("endpoint", sorted(PUBLIC_TO_THE_SIGNED_IN))
def test_an_organiser_of_another_scheme_reads_what_is_public(w, endpoint):
    path, body = ENDPOINTS[endpoint][0](w)
    assert _call(w.outsider, endpoint[0], path, body).status_code == 200


def test_a_member_reads_only_their_own_account(w):
    assert_problem(w.as_["alice"].get(f"{S}/accounts/bob"), 403, "not_permitted")


def test_a_member_reads_only_their_own_statement(w):
    assert_problem(w.as_["alice"].get(f"{S}/accounts/bob/statement"), 403, "not_permitted")


def test_a_member_pays_only_from_their_own_account(w):
    before = db_state()
    body = {"payer": "bob", "payee": "alice", "amount": "1.00"}
    assert_problem(w.as_["alice"].post(f"{S}/transfers", body), *REFUSED)
    assert db_state() == before
