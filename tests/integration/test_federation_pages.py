"""A member's pages between schemes: paying a member of another scheme after a
confirmation page at today's rates (one trade however often it is sent), their trades
and states, the dashboard's pending trades, and their wind-up position and choice."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from lets_federation.trades.models import Trade
from lets_federation.trades.operations import settle
from lets_federation.windup.operations import decide
from lets_platform.db import db
from lets_platform.web.testing import csrf_token


@pytest.fixture
def w(create_scheme, create_member, browser):
    """Wiltshire (WES, 10 an hour) with alice; Bright (Links, 12 an hour) with bob."""
    wiltshire = create_scheme("wiltshire", rate="10", currency_name="WES units")
    bright = create_scheme("bright", rate="12", currency_name="Links")
    alice = create_member(wiltshire, "alice")
    create_member(bright, "bob")
    browser.sign_in(alice)
    return wiltshire


def check(browser, **fields):
    form = {"payee": "bright/bob", "amount": "10.00", "currency": "payer", "memo": "Apples"}
    return browser.submit("/s/wiltshire/pay-elsewhere", {**form, **fields})


def confirm_form(text: str) -> dict[str, str]:
    form = text[text.index('action="/s/wiltshire/pay-elsewhere/confirm"') :]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    return {**fields, "csrf_token": csrf_token(text)}


def trades() -> list[Trade]:
    db.session.expire_all()
    return list(db.session.query(Trade))


def test_the_confirmation_shows_both_amounts_at_todays_rate_and_moves_nothing(w, browser):
    page = check(browser)

    assert page.status_code == 200
    assert "10.00 WES units" in page.text and "12.00 Links" in page.text
    assert trades() == []


def test_confirming_twice_starts_one_trade_that_clears(w, browser, balance):
    form = confirm_form(check(browser).text)

    first = browser.post("/s/wiltshire/pay-elsewhere/confirm", data=form)
    second = browser.post("/s/wiltshire/pay-elsewhere/confirm", data=form)
    [trade] = trades()
    going = browser.get(first.headers["Location"]).text
    settle(trade.id)
    db.session.commit()
    done = browser.get(first.headers["Location"]).text

    assert first.headers["Location"] == second.headers["Location"]
    assert "going through" in going
    assert "Payment made" in done and "12.00 Links" in done
    assert balance(w, "alice") == -1000


def test_the_in_scheme_pay_form_sends_scheme_slash_handle_here(w, browser):
    sent = browser.submit(
        "/s/wiltshire/pay", {"payee": "bright/bob", "amount": "3.00", "memo": "Eggs"}
    )

    assert sent.status_code == 302
    assert sent.headers["Location"].startswith("/s/wiltshire/pay-elsewhere?payee=bright/bob")
    assert 'value="bright/bob"' in browser.get(sent.headers["Location"]).text


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"payee": "bright"}, "payee", "scheme/handle"),
        ({"payee": "nowhere/bob"}, "payee", "no scheme"),
        ({"payee": "bright/zed"}, "payee", "no account"),
        ({"payee": "wiltshire/alice"}, "payee", "your own scheme"),
        ({"amount": "1.2.3"}, "amount", "Enter an amount as a number"),
    ],
)
def test_a_bad_answer_is_named_beside_its_field_with_the_input_kept(
    w, browser, fields, field, says
):
    page = check(browser, **fields)

    assert page.status_code == 422
    assert f'id="{field}-error"' in page.text and says.lower() in page.text.lower()
    assert f'value="{list(fields.values())[0]}"' in page.text


def test_too_much_is_refused_beside_the_amount_and_nothing_is_held(w, browser, balance):
    form = confirm_form(check(browser, amount="500.00").text)

    page = browser.post("/s/wiltshire/pay-elsewhere/confirm", data=form)

    assert page.status_code == 422 and 'id="amount-error"' in page.text
    assert trades() == [] and balance(w, "alice") == 0


def test_pending_trades_show_on_the_dashboard_and_the_trades_page(w, browser):
    browser.post("/s/wiltshire/pay-elsewhere/confirm", data=confirm_form(check(browser).text))

    dashboard = browser.get("/s/wiltshire/").text
    listing = browser.get("/s/wiltshire/trades").text

    assert "bright/bob" in dashboard and "Going through" in dashboard
    assert "bright/bob" in listing


@pytest.fixture
def avon(scheme_with_members, create_scheme, browser):
    world = scheme_with_members("avon", network="south-west")
    create_scheme("wilts", network="south-west")
    deadline = date.today() + timedelta(days=30)
    decide(world.scheme, votes_for=2, votes_against=1, deadline=deadline, actor=None)
    db.session.commit()
    browser.sign_in(world.people["alice"])
    return world


def test_a_member_of_a_scheme_winding_up_sees_their_position_and_chooses(avon, browser):
    page = browser.get("/s/avon/wind-up")
    chosen = browser.submit("/s/avon/wind-up", {"destination": "wilts", "handle": ""})
    after = browser.get("/s/avon/wind-up").text

    assert page.status_code == 200 and "days left" in page.text
    assert "Your account is settled" in page.text
    assert chosen.status_code == 302
    assert "Wilts as <code>alice</code>" in after
    assert "winding up" in browser.get("/s/avon/").text


def test_a_handle_taken_at_the_destination_is_named_beside_the_handle(avon, browser, create_member):
    from lets_platform.tenancy.operations import get_scheme

    create_member(get_scheme("wilts"), "alice")  # another person holds "alice" there

    page = browser.submit("/s/avon/wind-up", {"destination": "wilts", "handle": ""})

    assert page.status_code == 422
    assert 'id="handle-error"' in page.text and "taken there" in page.text


def test_the_wind_up_page_is_in_the_navigation_while_the_scheme_winds_up(avon, browser):
    assert 'href="/s/avon/wind-up"' in browser.get("/s/avon/").text


def test_an_invoice_from_another_scheme_shows_its_cost_here_and_is_paid_once(w, browser, balance):
    from lets_federation.invoices.operations import resolve, send_invoice
    from lets_platform.errors import PayeeNotFound, PayerNotFound
    from lets_platform.tenancy.operations import get_scheme

    invoice, _ = send_invoice(
        payer=resolve("wiltshire/alice", PayerNotFound),
        payee=resolve("bright/bob", PayeeNotFound),
        amount="12.00",
        memo="Plums",
        actor=None,
    )
    db.session.commit()
    path = f"/s/wiltshire/invoices-between-schemes/{invoice.id}"

    dashboard = browser.get("/s/wiltshire/").text
    page = browser.get(path)
    token = csrf_token(page.text)
    paid = browser.post(path + "/accept", data={"csrf_token": token})
    again = browser.post(path + "/accept", data={"csrf_token": token})

    assert "Plums" in dashboard and path in dashboard
    assert "12.00 Links" in page.text and "10.00 WES units" in page.text
    assert paid.status_code == again.status_code == 302
    assert len(trades()) == 1 and balance(get_scheme("wiltshire"), "alice") == 0  # held


def test_asking_a_member_of_another_scheme_to_pay_sends_one_invoice(w, browser):
    from lets_federation.invoices.models import FederatedInvoice

    sent = browser.submit(
        "/s/wiltshire/invoices/new", {"payee": "bright/bob", "amount": "4.00", "memo": "Pears"}
    )
    form_page = browser.get(sent.headers["Location"])
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form_page.text))
    body = {"payee": "bright/bob", "amount": "4.00", "memo": "Pears", **fields}
    first = browser.post("/s/wiltshire/invoices-between-schemes/new", data=body)
    again = browser.post("/s/wiltshire/invoices-between-schemes/new", data=body)
    unknown = browser.post(
        "/s/wiltshire/invoices-between-schemes/new", data={**body, "payee": "bright/zed", "id": ""}
    )

    assert sent.headers["Location"].startswith("/s/wiltshire/invoices-between-schemes/new?")
    assert 'value="bright/bob"' in form_page.text and 'value="Pears"' in form_page.text
    assert first.status_code == again.status_code == 302
    db.session.expire_all()
    [invoice] = db.session.query(FederatedInvoice).all()
    assert (invoice.amount, invoice.memo) == (400, "Pears")
    assert unknown.status_code == 422 and "no account" in unknown.text.lower()
