"""Members' journeys in a real browser (Debian's chromium): sign in, pay after checking,
read the statement; accept an invitation from the outbox; pay a member of another scheme
after the confirmation page, double-clicking, and see the trade clear; fail a form and
see why beside the field. axe-core checks each page on the way; screenshots are saved."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lets_federation.trades.models import Trade
from lets_platform import jobs
from lets_platform.db import db
from lets_platform.web.testing import (
    axe_violations,
    no_horizontal_scroll,
    screenshot,
    sign_in_page,
)


def accessible(page) -> None:
    assert axe_violations(page) == []


@pytest.fixture
def wiltshire(scheme_with_members):
    return scheme_with_members("wiltshire", handles=("alice", "bob"))


def test_a_member_signs_in_pays_after_checking_and_reads_the_statement(page, wiltshire, balance):
    sign_in_page(page, wiltshire.people["alice"])
    accessible(page)
    page.get_by_role("link", name="Pay someone").click()
    page.get_by_label("Who are you paying?").fill("Bob")
    page.get_by_label("Amount").fill("12.50")
    page.get_by_label("What is it for? (optional)").fill("Eggs")
    accessible(page)
    screenshot(page, "pay")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your payment").wait_for()
    accessible(page)
    screenshot(page, "pay-check")
    page.get_by_role("button", name=re.compile("^Pay 12.50")).click()
    page.get_by_role("heading", name="Payment made").wait_for()
    accessible(page)
    page.get_by_role("link", name="Back to your account").click()
    screenshot(page, "dashboard")
    page.get_by_role("navigation").get_by_role("link", name="Statement").click()

    assert page.get_by_role("cell", name="Eggs").is_visible()
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ("/s/wiltshire/statement", "/s/wiltshire/", "/s/wiltshire/pay", "/account"):
        page.goto(path)
        assert no_horizontal_scroll(page), path
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/s/wiltshire/statement")
    accessible(page)
    screenshot(page, "statement")
    assert (balance(wiltshire.scheme, "alice"), balance(wiltshire.scheme, "bob")) == (-1250, 1250)


def test_a_failed_form_says_why_beside_the_field_and_keeps_the_input(page, wiltshire, balance):
    sign_in_page(page, wiltshire.people["alice"])
    page.goto("/s/wiltshire/pay")
    page.get_by_label("Who are you paying?").fill("bob")
    page.get_by_label("Amount").fill("12,50")
    page.get_by_role("button", name="Continue").click()

    error = page.locator("#amount-error")
    assert "Enter an amount as a number" in error.inner_text()
    assert page.get_by_label("Amount").input_value() == "12,50"
    accessible(page)
    screenshot(page, "pay-error")

    page.get_by_label("Amount").fill("500.00")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=re.compile("^Pay 500.00")).click()

    assert "you can spend 100.00" in page.locator("#amount-error").inner_text()
    assert page.get_by_label("Amount").input_value() == "500.00"
    assert page.locator(".error-summary a[href='#amount']").is_visible()
    assert balance(wiltshire.scheme, "alice") == 0


def test_an_invited_member_sets_a_password_from_the_mail_and_signs_in(page, wiltshire, outbox):
    added = wiltshire.as_["olive"].post(
        "/schemes/wiltshire/members",
        {"email": "pat@example.org", "display_name": "Pat Price", "handle": "pat"},
    )
    link = re.search(r"http://\S+(/invitation/\S+)", outbox()[0].get_content()).group(1)

    page.goto(link)
    accessible(page)
    page.get_by_label("Choose a password").fill("pat's long password")
    page.get_by_label("Type it again").fill("pat's long password")
    page.get_by_role("button", name="Save password").click()
    page.get_by_text("Your password is set").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_label("Password").fill("pat's long password")
    page.get_by_role("button", name="Sign in").click()

    assert added.status_code == 201
    page.get_by_role("heading", name="Pat Price").wait_for()
    assert page.url.endswith("/s/wiltshire/")


@pytest.fixture
def worker(ctx):
    """The clearing jobs run in this process, as ``lets demo`` runs them. Another test's
    app may have bound the jobs to itself: bind them to this one's broker first."""
    broker = jobs.broker_of(ctx)
    jobs._app, jobs._broker = ctx, broker
    for declared in jobs._actors:
        jobs.bind(declared, broker)
    running = jobs.start_in_process_worker(ctx)
    yield running
    running.stop()


def test_paying_another_scheme_after_the_confirmation_double_clicked_pays_once(
    page, create_scheme, create_member, worker, balance
):
    wiltshire = create_scheme("wiltshire", rate="10", currency_name="WES units")
    bright = create_scheme("bright", rate="12", currency_name="Links")
    alice = create_member(wiltshire, "alice")
    create_member(bright, "bob")

    sign_in_page(page, alice)
    page.goto("/s/wiltshire/pay")
    page.get_by_label("Who are you paying?").fill("bright/bob")
    page.get_by_label("Amount").fill("10.00")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # the form for other schemes
    page.get_by_role("heading", name="Check your payment").wait_for()
    assert page.get_by_text("12.00 Links").is_visible()
    accessible(page)
    screenshot(page, "pay-elsewhere-check")
    page.get_by_role("button", name=re.compile("^Pay 10.00")).dblclick()
    page.wait_for_url(re.compile(r"/trades/"))
    for _ in range(50):  # the clearing job runs in the worker thread
        page.reload()
        if page.get_by_role("heading", name="Payment made").count():
            break
        page.wait_for_timeout(100)

    assert page.get_by_role("heading", name="Payment made").is_visible()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Trade)) == 1
    assert balance(wiltshire, "alice") == -1000 and balance(bright, "bob") == 1200
    accessible(page)


def test_the_landing_and_a_schemes_public_page_pass_axe(page, wiltshire):
    page.goto("/")
    accessible(page)
    page.get_by_role("link", name="Wiltshire").click()
    accessible(page)
    page.goto("/login")
    accessible(page)
    page.goto("/forgotten-password")
    accessible(page)
