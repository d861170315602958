"""The login lock-out under parallel guesses: however many arrive at once, at most five
are checked against the password before the login locks. Real HTTP requests to a live
server, each in a thread of its own, with real commits (truly parallel on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from argon2 import PasswordHasher
from flask import Flask

from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.identity.operations import LOCK_AFTER, add_person
from lets_platform.web.testing import csrf_token, live_server

PASSWORD = "correct horse battery staple"
EMAIL = "olive@example.org"


@pytest.fixture
def hub(ctx: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setitem(ctx.config, "SESSION_COOKIE_SECURE", False)  # plain http on loopback
    with live_server(ctx) as base_url:
        yield base_url


@pytest.fixture
def olive(ctx: Flask) -> Person:
    person = add_person(EMAIL, "Olive", password=PASSWORD)
    db.session.commit()
    return person


class Checks:
    """Counts every argon2 verification against one person's own hash: the password
    checks (the work done for unknown or locked logins is against another hash)."""

    def __init__(self, person: Person, monkeypatch: pytest.MonkeyPatch) -> None:
        self.hash = person.password_hash
        self.count = 0
        self._lock = threading.Lock()
        real = PasswordHasher.verify

        def counting(hasher: PasswordHasher, hashed: str | bytes, password: str | bytes) -> bool:
            if hashed == self.hash:
                with self._lock:
                    self.count += 1
            return real(hasher, hashed, password)

        monkeypatch.setattr(PasswordHasher, "verify", counting)


@pytest.fixture
def checks(olive: Person, monkeypatch: pytest.MonkeyPatch) -> Checks:
    return Checks(olive, monkeypatch)


def guess_in_parallel(hub: str, passwords: list[str]) -> list[int]:
    """Each password from a browser of its own (its own session and CSRF token), all sent
    at once; the answers' status codes, in the order the passwords were given."""
    db.session.commit()  # the test's session holds no lock while the server works
    browsers = [requests.Session() for _ in passwords]
    tokens = [csrf_token(browser.get(hub + "/login", timeout=30).text) for browser in browsers]
    start = threading.Barrier(len(passwords))

    def send(index: int) -> int:
        form = {"email": EMAIL, "password": passwords[index], "csrf_token": tokens[index]}
        start.wait()
        answer = browsers[index].post(hub + "/login", data=form, allow_redirects=False, timeout=60)
        return answer.status_code

    with ThreadPoolExecutor(len(passwords)) as pool:
        return list(pool.map(send, range(len(passwords))))


def test_forty_eight_parallel_wrong_guesses_check_the_password_only_five_times(hub, olive, checks):
    answers = guess_in_parallel(hub, ["wrong password"] * 48)

    assert answers == [401] * 48
    assert checks.count == LOCK_AFTER
    db.session.refresh(olive)
    assert olive.locked_until is not None


def test_after_a_parallel_burst_the_right_password_is_refused_until_the_lock_ends(
    hub, olive, checks
):
    guess_in_parallel(hub, ["wrong password"] * 16)

    late = guess_in_parallel(hub, [PASSWORD])

    assert late == [401]
    assert checks.count == LOCK_AFTER


def test_the_right_password_among_parallel_guesses_gets_in_only_as_one_of_the_first_five(
    hub, olive, checks
):
    passwords = ["wrong password"] * 16
    passwords[11] = PASSWORD  # sent twelfth, as in the probe that got in

    answers = guess_in_parallel(hub, passwords)

    signed_in = answers.count(302)
    assert signed_in == (1 if answers[11] == 302 else 0)
    if signed_in:  # a success starts the count again: the guesses after it get five more
        assert checks.count <= 2 * LOCK_AFTER
    else:
        assert checks.count == LOCK_AFTER
