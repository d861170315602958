"""A member's pages: pay someone after checking the answers (once, however often the form
is sent), errors beside the field with the input kept, invoices both ways, the statement
with its dates, pages and CSV, and the profile."""

from __future__ import annotations

import re

import pytest

from lets_platform.db import db
from lets_platform.web.testing import csrf_token
from lets_tenants.invoices.operations import send_invoice
from lets_tenants.ledger.operations import transfer


@pytest.fixture
def w(scheme_with_members, browser):
    world = scheme_with_members("wiltshire", handles=("alice", "bob"))
    browser.sign_in(world.people["alice"])
    return world


def check(browser, payee="bob", amount="12.50", memo="Eggs"):
    return browser.submit("/s/wiltshire/pay", {"payee": payee, "amount": amount, "memo": memo})


def confirm_form(page_text: str) -> dict[str, str]:
    """The hidden fields of the check page's Pay form, as the button would send them."""
    form = page_text[page_text.index('action="/s/wiltshire/pay/confirm"') :]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    return {**fields, "csrf_token": csrf_token(page_text)}


def test_paying_shows_the_answers_before_anything_moves(w, browser, balance):
    page = check(browser)

    assert page.status_code == 200
    assert "Check your payment" in page.text and "12.50 Wiltshire units" in page.text
    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (0, 0)


def test_confirming_pays_once_even_when_the_button_is_pressed_twice(w, browser, balance):
    form = confirm_form(check(browser).text)

    first = browser.post("/s/wiltshire/pay/confirm", data=form)
    second = browser.post("/s/wiltshire/pay/confirm", data=form)

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (-1250, 1250)
    done = browser.get(first.headers["Location"])
    assert "Payment made" in done.text and "-12.50 Wiltshire units" in done.text


def test_the_payee_is_found_by_part_of_their_name(w, browser):
    page = check(browser, payee="Bo")

    assert "Check your payment" in page.text and "wiltshire/bob" in page.text


def test_several_matches_are_offered_to_choose_from(w, browser, create_member):
    create_member(w.scheme, "bobby")

    page = check(browser, payee="bob")  # an exact handle wins
    several = check(browser, payee="Bo")

    assert "Check your payment" in page.text
    assert several.status_code == 422
    assert "2 members match" in several.text and "payee=bobby" in several.text


def test_an_unknown_payee_is_named_beside_the_field_with_the_input_kept(w, browser):
    page = check(browser, payee="zelda", amount="3.00", memo="Jam")

    assert page.status_code == 422
    assert 'id="payee-error"' in page.text and "No member of Wiltshire is called" in page.text
    assert (
        'value="zelda"' in page.text and 'value="3.00"' in page.text and 'value="Jam"' in page.text
    )


@pytest.mark.parametrize(
    ("amount", "says"),
    [("abc", "Enter an amount as a number"), ("0", "more than zero"), ("1.234", "number")],
)
def test_a_bad_amount_is_named_beside_the_amount(w, browser, amount, says):
    page = check(browser, amount=amount)

    assert page.status_code == 422
    assert 'id="amount-error"' in page.text and says in page.text
    assert f'value="{amount}"' in page.text


def test_too_much_is_refused_beside_the_amount_and_nothing_moves(w, browser, balance):
    form = confirm_form(check(browser, amount="150.00").text)

    page = browser.post("/s/wiltshire/pay/confirm", data=form)

    assert page.status_code == 422
    assert 'id="amount-error"' in page.text
    assert "you can spend 100.00 Wiltshire units now" in page.text
    assert 'value="150.00"' in page.text
    assert balance(w.scheme, "alice") == 0


def test_a_payment_without_the_csrf_token_is_refused(w, browser, balance):
    form = confirm_form(check(browser).text)
    del form["csrf_token"]

    refused = browser.post("/s/wiltshire/pay/confirm", data=form)

    assert refused.status_code == 400
    assert balance(w.scheme, "alice") == 0


def test_paying_oneself_is_refused_beside_the_payee(w, browser, balance):
    form = confirm_form(check(browser, payee="alice").text)

    refused = browser.post("/s/wiltshire/pay/confirm", data=form)

    assert refused.status_code == 422 and 'id="payee-error"' in refused.text
    assert "You cannot pay yourself" in refused.text and balance(w.scheme, "alice") == 0


def test_a_member_of_another_scheme_cannot_use_this_schemes_pages(w, scheme_with_members, browser):
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")
    browser.sign_in(bright.people["carol"])

    assert browser.get("/s/wiltshire/pay").status_code == 403
    assert browser.get("/s/wiltshire/statement").status_code == 403


def test_sending_an_invoice_and_the_payer_paying_it(w, browser, ctx, balance):
    sent = browser.submit(
        "/s/wiltshire/invoices/new", {"payee": "bob", "amount": "7.00", "memo": "Jam"}
    )
    from lets_platform.web.testing import Browser

    bob = Browser(ctx)
    bob.sign_in(w.people["bob"])
    listing = bob.get("/s/wiltshire/").text
    link = re.search(r'href="(/s/wiltshire/invoices/[0-9a-f-]+)"', listing).group(1)
    page = bob.get(link)
    paid = bob.post(link + "/accept", data={"csrf_token": csrf_token(page.text)})
    again = bob.post(link + "/accept", data={"csrf_token": csrf_token(page.text)})

    assert sent.status_code == 302
    assert paid.status_code == again.status_code == 302
    assert (balance(w.scheme, "bob"), balance(w.scheme, "alice")) == (-700, 700)
    assert "Paid" in bob.get(link).text


def test_declining_an_invoice_moves_nothing(w, browser, balance):
    invoice = send_invoice(
        w.scheme, sender="bob", payer="alice", amount="5.00", memo="Cake", actor=None
    )
    db.session.commit()
    path = f"/s/wiltshire/invoices/{invoice.id}"
    page = browser.get(path)

    browser.post(path + "/decline", data={"csrf_token": csrf_token(page.text)})

    assert balance(w.scheme, "alice") == 0
    assert "Declined" in browser.get(path).text


def test_an_invoice_too_large_to_pay_says_why_and_stays_open(w, browser, balance):
    invoice = send_invoice(
        w.scheme, sender="bob", payer="alice", amount="500.00", memo="Car", actor=None
    )
    db.session.commit()
    path = f"/s/wiltshire/invoices/{invoice.id}"
    page = browser.get(path)

    refused = browser.post(path + "/accept", data={"csrf_token": csrf_token(page.text)})

    assert refused.status_code == 422 and "you can spend" in refused.text
    assert "Open" in browser.get(path).text and balance(w.scheme, "alice") == 0


def test_someone_elses_invoice_is_not_found(w, browser, create_member):
    create_member(w.scheme, "cat")
    invoice = send_invoice(w.scheme, sender="bob", payer="cat", amount="5.00", memo="", actor=None)
    db.session.commit()

    assert browser.get(f"/s/wiltshire/invoices/{invoice.id}").status_code == 404


def test_the_dashboard_shows_open_invoices_both_ways_and_recent_payments(w, browser):
    send_invoice(w.scheme, sender="bob", payer="alice", amount="5.00", memo="Cake", actor=None)
    send_invoice(w.scheme, sender="alice", payer="bob", amount="6.00", memo="Pie", actor=None)
    transfer(w.scheme, payer="bob", payee="alice", amount="2.00", memo="Tea", entered_by=None)
    db.session.commit()

    page = browser.get("/s/wiltshire/").text

    assert "Cake" in page and "Pie" in page and "Tea" in page
    assert '102.00 <span class="unit">' in page  # available: 2.00 balance + 100.00 credit


def test_the_statement_pages_through_a_date_range_and_downloads_as_csv(w, browser):
    for n in range(60):
        transfer(w.scheme, payer="bob", payee="alice", amount="1.00", memo=f"n{n}", entered_by=None)
    db.session.commit()

    first = browser.get("/s/wiltshire/statement").text
    after = re.search(r"after=(\d+)", first).group(1)
    second = browser.get(f"/s/wiltshire/statement?after={after}").text
    csv = browser.get("/s/wiltshire/statement?format=csv")

    assert ">n0<" in first and ">n49<" in first and ">n50<" not in first
    assert re.search(r"Balance at the start</dt><dd[^>]*>0.00 ", first)
    assert ">n50<" in second and ">n59<" in second and "60.00 Wiltshire units" in second
    assert csv.mimetype == "text/csv" and csv.text.count("\n") == 63  # header, 2 balances


def test_a_statement_range_has_its_own_opening_and_closing_balances(w, browser):
    from datetime import UTC, datetime

    from lets_tenants.ledger.models import Transfer

    for day, amount in ((1, "5.00"), (2, "7.00"), (3, "11.00")):
        t = transfer(w.scheme, payer="bob", payee="alice", amount=amount, entered_by=None)
        t.transfer.posted_at = datetime(2026, 5, day, 12, tzinfo=UTC)
    db.session.commit()
    assert db.session.query(Transfer).count() == 3

    page = browser.get("/s/wiltshire/statement?start=2026-05-02&end=2026-05-02").text

    assert re.search(r"Balance at the start</dt><dd[^>]*>5.00 ", page)
    assert re.search(r"Balance at the end</dt><dd[^>]*>12.00 ", page)
    assert "+7.00" in page and "+11.00" not in page and "+5.00" not in page


def test_a_statement_range_ending_before_it_starts_is_named_beside_the_field(w, browser):
    page = browser.get("/s/wiltshire/statement?start=2026-05-02&end=2026-05-01")

    assert page.status_code == 422 and 'id="end-error"' in page.text


def test_the_profile_shows_handle_and_limits(w, browser):
    page = browser.get("/s/wiltshire/membership").text

    assert "wiltshire/alice" in page and "-100.00 Wiltshire units" in page


def test_a_member_changes_their_name_and_their_account_title_follows(w, browser):
    from lets_tenants.accounts.operations import get_account

    done = browser.submit("/s/wiltshire/membership", {"display_name": "Alice Archer"})
    empty = browser.submit("/s/wiltshire/membership", {"display_name": "  "})

    assert done.status_code == 302
    assert empty.status_code == 422 and 'id="display_name-error"' in empty.text
    db.session.expire_all()
    assert get_account(w.scheme, "alice").title == "Alice Archer"
