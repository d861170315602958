"""Rate limits per client address: the login page, the OAuth token endpoint, and any view
that takes a named limit (the password-reset request). The real limiter, counting in
memory, or in Redis when the suite has one (the PostgreSQL and Redis run)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from lets_platform import ratelimit, testing
from lets_platform.app import create_app
from lets_platform.audit.models import AuditEntry
from lets_platform.config import from_environment
from lets_platform.db import db
from lets_platform.identity.operations import add_person
from lets_platform.web.testing import Browser


def an_address() -> str:
    """A client address no other test (or earlier run sharing the Redis) has used."""
    return "2001:db8::" + ":".join(uuid.uuid4().hex[i : i + 4] for i in range(0, 16, 4))


@pytest.fixture
def limits_on(ctx: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The suite's app with its limits on (the suite runs with them off), and small."""
    monkeypatch.setitem(ctx.config, "LETS_RATE_LIMITS_ENABLED", True)
    monkeypatch.setitem(ctx.config, "LETS_RATE_LIMIT_LOGIN", "3 per minute")
    monkeypatch.setitem(ctx.config, "LETS_RATE_LIMIT_OAUTH_TOKEN", "2 per minute")
    return ctx


class From(Browser):
    """A browser at one client address."""

    def __init__(self, app: Flask, address: str) -> None:
        super().__init__(app)
        self.client.environ_base["REMOTE_ADDR"] = address


def a_small_app(**config: Any) -> Flask:
    """A bare Flask app with one view under the password-reset limit, as the reset page
    will be: the limit machinery without the hub around it."""
    app = Flask("rate_limited")
    app.config.update(LETS_RATE_LIMIT_PASSWORD_RESET="2 per minute", **config)

    @app.route("/password-reset", methods=["POST"])
    @ratelimit.limited(ratelimit.PASSWORD_RESET)
    def request_reset() -> str:
        return "sent"

    ratelimit.init_app(app)
    return app


def test_the_limits_are_on_unless_turned_off(monkeypatch, tmp_path):
    monkeypatch.delenv("LETS_RATE_LIMITS_ENABLED", raising=False)

    assert from_environment(str(tmp_path))["LETS_RATE_LIMITS_ENABLED"] is True


def test_an_app_built_from_the_environment_limits_the_token_endpoint(
    monkeypatch, tmp_path, database_url
):
    monkeypatch.delenv("LETS_RATE_LIMITS_ENABLED", raising=False)
    monkeypatch.setenv("LETS_RATE_LIMIT_OAUTH_TOKEN", "2 per minute")
    settings = {
        "TESTING": True,  # as the suite's apps are; the limits do not look at it
        "LETS_INSTANCE_PATH": str(tmp_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
    }
    with testing.keep_jobs_bound():
        app = create_app(settings)
    client = app.test_client()

    answers = [client.post("/oauth/token").status_code for _ in range(3)]

    testing.dispose(app)
    assert answers == [400, 400, 429]


def test_past_its_limit_the_login_page_says_so_and_checks_no_password(limits_on):
    add_person("olive@example.org", "Olive", password="correct horse")
    browser = From(limits_on, an_address())

    tries = [browser.log_in("olive@example.org", "wrong").status_code for _ in range(4)]

    assert tries == [401, 401, 401, 429]
    refused = browser.log_in("olive@example.org", "correct horse")
    assert refused.status_code == 429
    assert "Too many tries from your address" in refused.text
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    checked = select(func.count()).where(AuditEntry.action.like("login.%"))
    assert db.session.scalar(checked) == 3


def test_the_login_limit_counts_each_client_address_apart(limits_on):
    crowded, other = an_address(), an_address()
    for _ in range(3):
        From(limits_on, crowded).log_in("a@example.org", "x")

    assert From(limits_on, crowded).log_in("a@example.org", "x").status_code == 429
    assert From(limits_on, other).log_in("a@example.org", "x").status_code == 401


def test_reading_the_login_page_is_not_limited(limits_on):
    browser = From(limits_on, an_address())

    assert {browser.get("/login").status_code for _ in range(5)} == {200}


def test_past_its_limit_the_token_endpoint_answers_in_the_oauth_error_format(limits_on):
    address = an_address()
    client = limits_on.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    post = {"data": {"grant_type": "authorization_code", "code": "x"}}

    answers = [client.post("/oauth/token", **post) for _ in range(3)]

    assert [a.status_code for a in answers[:2]] == [401, 401]
    refused = answers[2]
    assert refused.status_code == 429
    assert refused.json["error"] == "too_many_requests"
    assert "Try again in" in refused.json["error_description"]
    assert refused.headers["Cache-Control"] == "no-store"
    assert int(refused.headers["Retry-After"]) > 0


def test_a_named_limit_answers_programs_with_problem_json_by_default():
    client = a_small_app().test_client()

    answers = [client.post("/password-reset") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].mimetype == "application/problem+json"
    assert answers[2].json["code"] == "too_many_requests"
    assert int(answers[2].headers["Retry-After"]) > 0


def test_a_forwarded_address_is_ignored_unless_a_proxy_is_trusted():
    client = a_small_app().test_client()
    forged = [
        client.post("/password-reset", headers={"X-Forwarded-For": an_address()}).status_code
        for _ in range(3)
    ]

    assert forged == [200, 200, 429]


def test_behind_a_trusted_proxy_each_forwarded_address_counts_apart():
    client = a_small_app(LETS_TRUSTED_PROXIES=1).test_client()

    answers = [
        client.post("/password-reset", headers={"X-Forwarded-For": an_address()}).status_code
        for _ in range(3)
    ]

    assert answers == [200, 200, 200]


def test_a_limit_with_no_such_name_is_refused_when_the_view_is_declared():
    with pytest.raises(KeyError, match="password_reset"):
        ratelimit.limited("password-rest")


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = testing.redis_url()
    if url is None:
        pytest.skip("LETS_TEST_REDIS_URL is not set (CI sets it)")
    yield url


def test_with_redis_configured_the_counts_are_kept_there(redis_url):
    namespace = f"lets-test-{uuid.uuid4().hex}"
    app = a_small_app(LETS_REDIS_URL=redis_url, LETS_REDIS_NAMESPACE=namespace)
    client = redis.Redis.from_url(redis_url)

    app.test_client().post("/password-reset")

    kept = client.keys(f"*{namespace}*")
    assert kept
    client.delete(*kept)
