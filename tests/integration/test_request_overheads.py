"""What an API request does not spend its time on: building argument schemas, the session
cookie's signer when it brings no cookie (a browser's session still works), or the rate
limiter, which only the limited views consult."""

import marshmallow
import pytest
from flask_limiter import Limiter

from lets_platform.web import SessionCookies


@pytest.fixture
def schemas_built(monkeypatch) -> list[str]:
    """The names of the marshmallow schemas instantiated from now on."""
    built: list[str] = []
    original = marshmallow.Schema.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(marshmallow.Schema, "__init__", counting)
    return built


def test_a_request_builds_no_argument_schema(scheme_with_members, schemas_built):
    wiltshire = scheme_with_members()
    as_alice = wiltshire.as_["alice"]

    paid = as_alice.post(
        f"{wiltshire.path}/transfers", {"payer": "alice", "payee": "bob", "amount": "2.00"}
    )
    listed = as_alice.get(f"{wiltshire.path}/transfers", account="alice", limit=5)
    refused = as_alice.post(
        f"{wiltshire.path}/transfers", {"payer": "alice", "payee": "bob", "amount": 2.5}
    )

    assert paid.status_code == 201, paid.json
    assert [t["amount"] for t in listed.json["items"]] == ["2.00"]
    assert refused.status_code == 422
    assert schemas_built == []


def test_an_api_call_without_a_cookie_builds_no_signer(scheme_with_members, monkeypatch):
    wiltshire = scheme_with_members()

    def no_signer(self, app):
        raise AssertionError("the session cookie's signer was built")

    monkeypatch.setattr(SessionCookies, "get_signing_serializer", no_signer)
    paid = wiltshire.as_["alice"].post(
        f"{wiltshire.path}/transfers", {"payer": "alice", "payee": "bob", "amount": "2.00"}
    )

    assert paid.status_code == 201, paid.json


def test_a_browser_session_is_still_written_and_read(ctx):
    client = ctx.test_client()

    with client.session_transaction() as session:
        session["seen"] = "yes"
    with client.session_transaction() as session:
        kept = dict(session)

    assert kept == {"seen": "yes"}
    assert client.get_cookie("session") is not None


def test_an_api_call_runs_no_rate_limit_check(scheme_with_members, monkeypatch):
    wiltshire = scheme_with_members()
    checked: list[str] = []
    original = Limiter._Limiter__filter_limits  # type: ignore[attr-defined]

    def counting(self, endpoint, *args, **kwargs):
        checked.append(endpoint)
        return original(self, endpoint, *args, **kwargs)

    monkeypatch.setattr(Limiter, "_Limiter__filter_limits", counting)
    paid = wiltshire.as_["alice"].post(
        f"{wiltshire.path}/transfers", {"payer": "alice", "payee": "bob", "amount": "2.00"}
    )
    token = wiltshire.as_["alice"].client.post("/oauth/token")

    assert paid.status_code == 201, paid.json
    assert token.status_code == 400
    assert checked == ["oauth.token"]  # only the limited view, once
