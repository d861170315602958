"""What the provider refuses: replayed codes, missing, wrong or plain PKCE verifiers, expired
and revoked tokens, unsigned or forged JWTs as bearer tokens, wrong secrets and redirect URIs.
Each against a real HTTP server on loopback, with authlib's client as the relying party."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from lets_platform import clock
from lets_platform.db import db
from lets_platform.identity.operations import hash_password
from lets_platform.oauth import keys
from lets_platform.oauth.models import OAuthToken
from lets_platform.oauth.testing import Authorization, RelyingParty, register_client
from lets_platform.web.testing import live_server

PASSWORD = "alice's long password"
SCOPE = "openid profile ledger:read"
ACCOUNT = "/api/v1/schemes/wiltshire/accounts/alice"


@pytest.fixture
def fake_clock(ctx: Flask) -> Iterator[clock.FakeClock]:
    fake = clock.FakeClock(datetime.now(UTC))
    clock.install(ctx, fake)
    yield fake
    clock.install(ctx, None)


@pytest.fixture
def site(ctx, monkeypatch, create_scheme, create_member) -> Iterator[RelyingParty]:
    monkeypatch.setitem(ctx.config, "SESSION_COOKIE_SECURE", False)
    alice = create_member(create_scheme("wiltshire"), "alice")
    alice.password_hash = hash_password(PASSWORD)
    client, secret = register_client(scopes=SCOPE)
    with live_server(ctx) as base_url:
        yield RelyingParty(base_url, client.client_id, secret, SCOPE)


def authorize(site: RelyingParty, **params: str) -> Authorization:
    return site.authorize("alice@wiltshire.test", PASSWORD, **params)


def code_of(done: Authorization) -> str:
    return parse_qs(urlsplit(done.location).query)["code"][0]


def exchange(site: RelyingParty, done: Authorization, **fields: str) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code_of(done)}
    data["redirect_uri"] = "https://rp.example/callback"
    return site.token_request({**data, **fields})


def redirected_error(site: RelyingParty, url: str) -> str:
    """Sign in, then follow ``url``: the error the provider sends back to the client."""
    site.sign_in("alice@wiltshire.test", PASSWORD, site.authorization_url()[0])
    answer = site.visit(url)
    assert answer.headers["Location"].startswith("https://rp.example/callback?")
    return parse_qs(urlsplit(answer.headers["Location"]).query)["error"][0]


def unsigned_jwt(claims: dict[str, str]) -> str:
    """A JWT with ``alg: none`` and no signature, built by hand."""

    def part(value: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def test_a_replayed_code_is_refused_and_revokes_what_the_first_exchange_got(site):
    done = authorize(site)
    first = exchange(site, done, code_verifier=done.verifier).json()

    replay = exchange(site, done, code_verifier=done.verifier)

    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_grant")
    assert site.call("GET", ACCOUNT, first["access_token"]).status_code == 401


def test_an_exchange_without_the_verifier_is_refused(site):
    done = authorize(site)

    refused = exchange(site, done)

    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_request")


def test_an_exchange_with_the_wrong_verifier_is_refused(site):
    done = authorize(site)

    refused = exchange(site, done, code_verifier="w" * 50)

    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")


def test_a_wrong_verifier_does_not_burn_the_code_for_its_owner(site):
    done = authorize(site)
    exchange(site, done, code_verifier="w" * 50)

    right = exchange(site, done, code_verifier=done.verifier)

    assert right.status_code == 200


def test_plain_pkce_is_refused_at_the_authorization(site):
    url, _, verifier, _ = site.authorization_url()
    plain = url.replace("code_challenge_method=S256", "code_challenge_method=plain")

    assert redirected_error(site, plain) == "invalid_request"


def test_an_authorization_without_pkce_is_refused(site):
    url, *_ = site.authorization_url()
    query = parse_qs(urlsplit(url).query)
    bare = {k: v[0] for k, v in query.items() if not k.startswith("code_challenge")}
    without = site.config["authorization_endpoint"] + "?" + requests.compat.urlencode(bare)

    assert redirected_error(site, without) == "invalid_request"


def test_an_expired_code_is_refused(site, fake_clock):
    done = authorize(site)
    fake_clock.advance(minutes=5)

    refused = exchange(site, done, code_verifier=done.verifier)

    assert refused.json()["error"] == "invalid_grant"


def test_an_expired_access_token_is_refused(site, fake_clock):
    token = site.exchange(authorize(site))
    fake_clock.advance(hours=1)

    answer = site.call("GET", ACCOUNT, token["access_token"])

    assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated")
    assert site.call("GET", "/oauth/userinfo", token["access_token"]).status_code == 401


def test_a_revoked_access_token_is_refused(site):
    token = site.exchange(authorize(site))
    site.oauth.revoke_token(site.config["revocation_endpoint"], token["access_token"])

    assert site.call("GET", ACCOUNT, token["access_token"]).status_code == 401


def test_an_id_token_is_not_a_bearer_token(site):
    token = site.exchange(authorize(site))

    answer = site.call("GET", ACCOUNT, token["id_token"])

    assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated")


def test_a_jwt_with_alg_none_is_refused(site, ctx):
    unsigned = unsigned_jwt({"sub": "1", "scope": "ledger:read"})

    for path in (ACCOUNT, "/oauth/userinfo"):
        assert site.call("GET", path, unsigned).status_code == 401


def test_a_jwt_with_a_forged_signature_is_refused(site, ctx):
    with ctx.app_context():
        kid = keys.signing_key().kid
    forger = RSAKey.generate_key(2048)
    forged = jwt.encode({"alg": "RS256", "kid": kid}, {"sub": "1"}, forger, ["RS256"])

    for path in (ACCOUNT, "/oauth/userinfo"):
        assert site.call("GET", path, forged).status_code == 401


def test_a_wrong_client_secret_is_refused(site):
    wrong = site.token_request({"grant_type": "authorization_code"}, secret="letscs_wrong")

    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")


def test_a_wrong_client_secret_cannot_exchange_a_code(site):
    done = authorize(site)

    data = {"grant_type": "authorization_code", "code": code_of(done)}
    data.update(code_verifier=done.verifier, redirect_uri="https://rp.example/callback")
    refused = site.token_request(data, secret="letscs_wrong")

    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")


def test_an_unregistered_redirect_uri_is_refused_without_redirecting(site):
    url, *_ = site.authorization_url(redirect_uri="https://evil.example/callback")

    page = site.visit(url)

    assert page.status_code == 400
    assert "Location" not in page.headers
    assert "invalid_request" in page.text


def test_an_unknown_client_is_refused_without_redirecting(site):
    url, *_ = site.authorization_url()

    page = site.visit(url.replace(site.oauth.client_id, "letsc_nobody"))

    assert (page.status_code, "invalid_client" in page.text) == (400, True)


def test_prompt_none_without_a_session_answers_login_required(site):
    url, *_ = site.authorization_url(prompt="none")

    answer = site.visit(url)

    assert "error=login_required" in answer.headers["Location"]


def test_prompt_none_with_a_session_answers_consent_required(site):
    url, *_ = site.authorization_url(prompt="none")

    assert redirected_error(site, url) == "consent_required"


def test_a_scope_the_client_may_not_ask_for_is_left_out(site):
    token = site.exchange(authorize(site, scope="openid ledger:read ledger:write"))

    assert token["scope"] == "openid ledger:read"


def test_a_rotated_refresh_token_presented_again_ends_what_replaced_it(site):
    first = site.exchange(authorize(site))
    second = site.oauth.refresh_token(site.config["token_endpoint"], first["refresh_token"])

    reuse = site.token_request(
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )

    assert reuse.json()["error"] == "invalid_grant"
    assert site.call("GET", ACCOUNT, second["access_token"]).status_code == 401
    again = site.token_request(
        {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    )
    assert again.json()["error"] == "invalid_grant"


def test_two_simultaneous_exchanges_of_one_code_get_tokens_once(site):
    done = authorize(site)
    data = {
        "grant_type": "authorization_code",
        "code": code_of(done),
        "code_verifier": done.verifier,
        "redirect_uri": "https://rp.example/callback",
    }
    auth = (site.oauth.client_id, site.oauth.client_secret)
    start = threading.Barrier(2)

    def exchange_once() -> int:
        start.wait()
        answer = requests.post(site.config["token_endpoint"], data=data, auth=auth, timeout=60)
        return answer.status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(lambda _: exchange_once(), range(2)))

    assert statuses == [200, 400]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OAuthToken)) == 1


def test_an_empty_token_request_is_an_invalid_request(site):
    answer = requests.post(site.config["token_endpoint"], data={}, timeout=30)

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


def test_a_token_request_without_a_grant_type_is_an_invalid_request(site):
    done = authorize(site)

    answer = site.token_request({"code": code_of(done), "code_verifier": done.verifier})

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")
    assert "grant_type" in answer.json()["error_description"]


def test_a_grant_type_the_hub_does_not_have_is_unsupported(site):
    answer = site.token_request({"grant_type": "password", "username": "a", "password": "b"})

    assert (answer.status_code, answer.json()["error"]) == (400, "unsupported_grant_type")


def test_userinfo_refuses_an_expired_token_with_a_bearer_challenge(site, fake_clock):
    token = site.exchange(authorize(site))
    fake_clock.advance(hours=1)

    answer = site.call("GET", "/oauth/userinfo", token["access_token"])

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="lets", error="invalid_token"'
