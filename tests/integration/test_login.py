"""Web login: lock-out after five failures, the same answer for unknown emails, CSRF on
every form, and session cookies a browser keeps safe. Time moves by a fake clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.identity.operations import add_person
from lets_platform.web.testing import Browser, csrf_token

PASSWORD = "correct horse battery staple"
#: What the page says when a form comes without its CSRF token (the API says csrf_failed).
CSRF_REFUSED = "without its security check"


@pytest.fixture
def browser(ctx: Flask) -> Browser:
    return Browser(ctx)


@pytest.fixture
def olive(ctx: Flask) -> Person:
    person = add_person("olive@example.org", "Olive", password=PASSWORD)
    db.session.commit()
    return person


def fail(browser: Browser, times: int, email: str = "olive@example.org") -> list[int]:
    return [browser.log_in(email, "wrong password").status_code for _ in range(times)]


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_right_password_signs_in_and_goes_on(browser, olive, fake_clock):
    response = browser.log_in("olive@example.org", PASSWORD)

    assert response.status_code == 302
    assert browser.get("/login").text.count("You are signed in as Olive") == 1
    assert "login.succeeded" in actions()


def test_a_wrong_password_is_refused_and_recorded(browser, olive, fake_clock):
    response = browser.log_in("olive@example.org", "wrong password")

    assert response.status_code == 401
    assert "The email or password is not right" in response.text
    assert actions() == ["login.failed"]


def test_five_failures_in_a_row_lock_the_login_for_ten_minutes(browser, olive, fake_clock):
    assert fail(browser, 5) == [401] * 5

    db.session.refresh(olive)
    assert olive.locked_until == fake_clock.now() + timedelta(minutes=10)
    assert actions().count("login.locked") == 1


def test_during_lock_out_even_the_right_password_is_refused(browser, olive, fake_clock):
    fail(browser, 5)
    fake_clock.advance(minutes=9, seconds=59)

    response = browser.log_in("olive@example.org", PASSWORD)

    assert response.status_code == 401
    assert "You are signed in" not in browser.get("/login").text


def test_after_ten_minutes_the_right_password_works_again(browser, olive, fake_clock):
    fail(browser, 5)
    fake_clock.advance(minutes=10)

    assert browser.log_in("olive@example.org", PASSWORD).status_code == 302


def test_a_success_starts_the_count_again(browser, olive, fake_clock):
    fail(browser, 4)
    browser.log_in("olive@example.org", PASSWORD)
    fail(browser, 4)

    db.session.refresh(olive)
    assert (olive.failed_logins, olive.locked_until) == (4, None)


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(browser, olive, fake_clock):
    known = browser.log_in("olive@example.org", "wrong password")
    unknown = browser.log_in("nobody@example.org", "wrong password")

    # the page keeps what was typed in the email field; nothing else differs
    same = unknown.text.replace("nobody@example.org", "olive@example.org")
    assert (unknown.status_code, same) == (known.status_code, known.text)


def test_a_locked_login_gets_the_same_answer_as_an_unknown_email(browser, olive, fake_clock):
    fail(browser, 5)

    locked = browser.log_in("olive@example.org", PASSWORD)
    unknown = browser.log_in("nobody@example.org", PASSWORD)

    same = unknown.text.replace("nobody@example.org", "olive@example.org")
    assert (locked.status_code, locked.text) == (unknown.status_code, same)


def test_a_login_without_the_csrf_token_is_refused_and_counts_nothing(browser, olive):
    browser.get("/login")

    response = browser.post("/login", data={"email": "olive@example.org", "password": PASSWORD})

    assert (response.status_code, CSRF_REFUSED in response.text) == (400, True)
    assert "You are signed in" not in browser.get("/login").text
    assert actions() == []


def test_a_login_with_another_sessions_csrf_token_is_refused(ctx, browser, olive):
    stolen = csrf_token(Browser(ctx).get("/login").text)
    browser.get("/login")

    response = browser.post(
        "/login", data={"email": "olive@example.org", "password": PASSWORD, "csrf_token": stolen}
    )

    assert (response.status_code, CSRF_REFUSED in response.text) == (400, True)


def test_logging_out_needs_the_csrf_token_too(browser, olive):
    browser.log_in("olive@example.org", PASSWORD)

    refused = browser.post("/logout")
    token = csrf_token(browser.get("/login").text)
    done = browser.post("/logout", data={"csrf_token": token})

    assert (refused.status_code, CSRF_REFUSED in refused.text) == (400, True)
    assert done.status_code == 302
    assert "You are signed in" not in browser.get("/login").text


def test_the_session_cookie_is_secure_http_only_and_same_site_lax(browser, olive):
    response = browser.log_in("olive@example.org", PASSWORD)

    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_api_takes_no_csrf_token_and_no_session(ctx, browser, olive):
    browser.log_in("olive@example.org", PASSWORD)

    response = browser.get("/api/v1/schemes")

    assert (response.status_code, response.json["code"]) == (401, "unauthenticated")


def test_going_on_after_login_stays_on_this_site(browser, olive):
    response = browser.log_in("olive@example.org", PASSWORD, next="//evil.example/")

    assert response.headers["Location"] == "/account"  # a person of no scheme
