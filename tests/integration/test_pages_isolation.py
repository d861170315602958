"""A member's pages that take an id show only the member's own objects: another member's
transfer, invoice, trade or invoice between schemes is "not found", in this scheme or
through another scheme's address."""

from __future__ import annotations

import pytest

from lets_federation.invoices.operations import resolve
from lets_federation.invoices.operations import send_invoice as send_between
from lets_federation.trades.operations import create_trade
from lets_platform.db import db
from lets_platform.errors import PayeeNotFound, PayerNotFound
from lets_tenants.invoices.operations import send_invoice
from lets_tenants.ledger.operations import transfer


@pytest.fixture
def others(create_scheme, create_member, browser):
    """alice (signed in) and carol in Wiltshire, bob in Bright; carol's and bob's objects."""
    wiltshire = create_scheme("wiltshire", rate="10")
    bright = create_scheme("bright", rate="12")
    alice = create_member(wiltshire, "alice")
    create_member(wiltshire, "carol")
    create_member(wiltshire, "dan")
    create_member(bright, "bob")
    paid = transfer(wiltshire, payer="carol", payee="dan", amount="1.00", entered_by=None)
    invoice = send_invoice(
        wiltshire, sender="carol", payer="dan", amount="2.00", memo="", actor=None
    )
    trade = create_trade(
        None, payer="wiltshire/carol", payee="bright/bob", amount="1.00", currency="payer"
    )
    between, _ = send_between(
        payer=resolve("wiltshire/carol", PayerNotFound),
        payee=resolve("bright/bob", PayeeNotFound),
        amount="1.00",
        actor=None,
    )
    db.session.commit()
    browser.sign_in(alice)
    return {
        "transfer": f"/s/wiltshire/pay/done/{paid.transfer.id}",
        "invoice": f"/s/wiltshire/invoices/{invoice.id}",
        "trade": f"/s/wiltshire/trades/{trade.id}",
        "between": f"/s/wiltshire/invoices-between-schemes/{between.id}",
        "between-bright": f"/s/bright/invoices-between-schemes/{between.id}",
    }


@pytest.mark.parametrize("what", ["transfer", "invoice", "trade", "between"])
def test_another_members_object_is_not_found(others, browser, what):
    response = browser.get(others[what])

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_another_schemes_pages_are_refused(others, browser):
    assert browser.get(others["between-bright"]).status_code == 403


@pytest.mark.parametrize("what", ["invoice", "between"])
@pytest.mark.parametrize("decision", ["accept", "decline", "cancel"])
def test_deciding_another_members_invoice_is_not_found(others, browser, what, decision):
    page = browser.get("/s/wiltshire/")
    from lets_platform.web.testing import csrf_token

    response = browser.post(
        f"{others[what]}/{decision}", data={"csrf_token": csrf_token(page.text)}
    )

    assert response.status_code == 404
