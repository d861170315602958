"""The pages' foundation: HTML error pages for browsers while the API keeps problem+json,
sign-in required where it should be, the navigation's scheme switcher, and the scheme's
page as a member's dashboard or anyone's public page."""

from __future__ import annotations

from flask import Flask

from lets_platform.errors import answer, problem


def test_a_browser_gets_a_page_for_a_missing_page(browser):
    response = browser.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Page not found" in response.text


def test_a_browser_gets_a_page_for_a_method_the_page_does_not_take(browser):
    response = browser.open("DELETE", "/account")

    assert (response.status_code, response.mimetype) == (405, "text/html")
    assert "cannot be used that way" in response.text


def test_the_api_keeps_problem_json_even_for_a_browser(browser):
    response = browser.get("/api/v1/no-such-thing")

    assert (response.status_code, response.mimetype) == (404, "application/problem+json")
    assert response.json["code"] == "not_found"


def test_a_program_asking_for_anything_gets_problem_json_for_a_page(ctx: Flask):
    response = ctx.test_client().get("/no-such-page", headers={"Accept": "*/*"})

    assert (response.status_code, response.mimetype) == (404, "application/problem+json")


def test_an_unexpected_failure_on_a_page_is_a_page_that_says_sorry(ctx: Flask):
    with ctx.test_request_context("/anything", headers={"Accept": "text/html"}):
        response = answer(problem(500, "internal_error", "Internal error", "boom: a trace"))

    assert (response.status_code, response.mimetype) == (500, "text/html")
    assert "Sorry, there is a problem" in response.get_data(as_text=True)
    assert "boom" not in response.get_data(as_text=True)


def test_a_page_of_a_scheme_one_may_not_read_is_a_403_page(browser, scheme_with_members):
    wiltshire = scheme_with_members("wiltshire")
    scheme_with_members("bright", handles=("carol",), organiser="oscar")
    browser.sign_in(wiltshire.people["alice"])

    response = browser.get("/s/bright/statement")

    assert (response.status_code, response.mimetype) == (403, "text/html")
    assert "You cannot see this page" in response.text


def test_a_page_that_needs_sign_in_sends_there_and_back(browser):
    response = browser.get("/account")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account"


def test_signing_in_takes_a_member_to_their_schemes_dashboard(browser, scheme_with_members):
    wiltshire = scheme_with_members("wiltshire")

    response = browser.sign_in(wiltshire.people["alice"])

    assert response.headers["Location"] == "/s/wiltshire/"
    page = browser.get("/s/wiltshire/")
    assert "You can spend" in page.text
    assert '100.00 <span class="unit">Wiltshire units' in page.text  # available: the credit limit


def test_a_member_of_two_schemes_switches_between_them(browser, scheme_with_members, create_scheme):
    wiltshire = scheme_with_members("wiltshire")
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")
    from lets_platform.db import db
    from lets_tenants.membership.operations import add_member

    add_member(
        bright.scheme,
        email=wiltshire.people["alice"].email,
        display_name="Alice B",
        handle="alice-b",
        actor=None,
    )
    db.session.commit()
    browser.sign_in(wiltshire.people["alice"])

    page = browser.get("/s/wiltshire/")
    switched = browser.get("/switch?scheme=bright")

    statement = browser.get("/switch?scheme=bright&page=statement.statement")
    odd = browser.get("/switch?scheme=bright&page=web.logout")

    assert 'name="scheme"' in page.text and "Bright (alice-b)" in page.text
    assert switched.headers["Location"] == "/s/bright/"
    assert 'name="page" value="statement.statement"' in browser.get("/s/wiltshire/statement").text
    assert statement.headers["Location"] == "/s/bright/statement"
    assert odd.headers["Location"] == "/s/bright/"
    assert "alice-b" in browser.get("/s/bright/").text


def test_the_switcher_refuses_a_scheme_one_is_not_in(browser, scheme_with_members):
    wiltshire = scheme_with_members("wiltshire")
    scheme_with_members("bright", handles=("carol",), organiser="oscar")
    browser.sign_in(wiltshire.people["alice"])

    assert browser.get("/switch?scheme=bright").status_code == 404


def test_anyone_sees_a_schemes_public_page_with_its_organisers_contact(
    browser, scheme_with_members
):
    scheme_with_members("wiltshire")

    page = browser.get("/s/wiltshire/")

    assert page.status_code == 200
    assert "Wiltshire units" in page.text
    assert "olive@wiltshire.test" in page.text
    assert "You can spend" not in page.text


def test_the_landing_page_lists_schemes_by_region(browser, create_scheme):
    from lets_platform.db import db
    from lets_platform.tenancy.operations import ensure_network

    scheme = create_scheme("wiltshire")
    scheme.network_id = ensure_network("south-west", "South West").id
    create_scheme("london")
    db.session.commit()

    page = browser.get("/").text

    assert page.index("South West") < page.index("Wiltshire") < page.index("Other schemes")
    assert page.index("Other schemes") < page.index("London") and "How to join" in page


def test_a_database_failure_on_a_page_is_a_busy_page_for_the_browser(browser, scheme_with_members):
    from unittest import mock

    from sqlalchemy.exc import OperationalError

    wiltshire = scheme_with_members("wiltshire")
    browser.sign_in(wiltshire.people["alice"])
    down = OperationalError("SELECT", {}, Exception("server closed the connection"))

    with mock.patch("lets_tenants.pages.views.get_scheme", side_effect=down):
        response = browser.get("/s/wiltshire/")

    assert (response.status_code, response.mimetype) == (503, "text/html")
    assert "the service is busy" in response.text
