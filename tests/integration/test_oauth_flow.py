"""A scheme's web site signs a member in through the hub, end to end: authlib's own OAuth
client as the relying party against a real HTTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import select

from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.identity.operations import grant_role, hash_password
from lets_platform.oauth.models import OAuthClient, OAuthToken
from lets_platform.oauth.secrets import digest
from lets_platform.oauth.testing import RelyingParty, register_client
from lets_platform.web.testing import live_server

PASSWORD = "alice's long password"
SCOPE = "openid profile email ledger:read"


@pytest.fixture
def hub(ctx: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setitem(ctx.config, "SESSION_COOKIE_SECURE", False)  # plain http on loopback
    with live_server(ctx) as base_url:
        yield base_url


@pytest.fixture
def alice(create_scheme, create_member):
    wiltshire = create_scheme("wiltshire")
    alice = create_member(wiltshire, "alice")
    grant_role(alice, "treasurer", scheme_id=wiltshire.id, granted_by=None)
    alice.password_hash = hash_password(PASSWORD)
    db.session.commit()
    return alice


@pytest.fixture
def site(hub, alice) -> RelyingParty:
    client, secret = register_client(scheme=None, scopes=SCOPE)
    return RelyingParty(hub, client.client_id, secret, SCOPE)


def signed_in(site: RelyingParty) -> tuple[dict[str, Any], str]:
    done = site.authorize("alice@wiltshire.test", PASSWORD)
    return site.exchange(done), done.nonce


def test_discovery_names_every_endpoint_and_only_s256(hub):
    config = requests.get(hub + "/.well-known/openid-configuration", timeout=30).json()

    assert config["issuer"] == hub
    assert config["authorization_endpoint"] == hub + "/oauth/authorize"
    assert config["jwks_uri"] == hub + "/oauth/jwks"
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"ledger:read", "ledger:write", "directory:write", "scheme:admin"} <= set(
        config["scopes_supported"]
    )


def test_the_login_form_leads_to_the_consent_page(site):
    url, *_ = site.authorization_url()

    page = site.sign_in("alice@wiltshire.test", PASSWORD, url)

    assert page.status_code == 200
    assert "Allow Relying party?" in page.text
    assert "ledger:read" in page.text


def test_a_member_signs_in_with_pkce_and_the_site_gets_its_tokens(site):
    token, _ = signed_in(site)

    assert token["access_token"].startswith("letsat_")
    assert token["refresh_token"].startswith("letsrt_")
    assert token["scope"] == SCOPE
    assert "id_token" in token


def test_tokens_are_stored_only_as_digests(site):
    token, _ = signed_in(site)

    stored = db.session.scalars(select(OAuthToken)).one()
    assert stored.access_token_hash == digest(token["access_token"])
    assert stored.refresh_token_hash == digest(token["refresh_token"])


def test_the_id_token_is_signed_rs256_with_a_key_of_the_jwks_and_carries_the_nonce(site):
    token, nonce = signed_in(site)

    keys = KeySet.import_key_set(requests.get(site.config["jwks_uri"], timeout=30).json())
    decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": site.config["issuer"]},
        aud={"essential": True, "value": site.oauth.client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
    ).validate(decoded.claims)
    assert decoded.header["alg"] == "RS256"


def test_userinfo_gives_the_members_schemes_handles_and_roles(site, alice):
    token, _ = signed_in(site)

    info = site.call("GET", "/oauth/userinfo", token["access_token"]).json()

    assert info["sub"] == str(alice.id)
    assert info["email"] == "alice@wiltshire.test"
    assert info["lets:memberships"] == [
        {"scheme": "wiltshire", "handle": "alice", "roles": ["member", "treasurer"]}
    ]


def test_the_access_token_calls_the_api(site):
    token, _ = signed_in(site)

    response = site.call("GET", "/api/v1/schemes/wiltshire/accounts/alice", token["access_token"])

    assert response.status_code == 200
    assert response.json()["name"] == "alice"


def test_a_refresh_gives_new_tokens_and_ends_the_old_ones(site):
    first, _ = signed_in(site)

    second = site.oauth.refresh_token(site.config["token_endpoint"], first["refresh_token"])

    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    api = "/api/v1/schemes/wiltshire/accounts/alice"
    assert site.call("GET", api, first["access_token"]).status_code == 401
    assert site.call("GET", api, second["access_token"]).status_code == 200


def test_revoking_the_access_token_ends_it(site):
    token, _ = signed_in(site)

    revoked = site.oauth.revoke_token(
        site.config["revocation_endpoint"], token["access_token"], "access_token"
    )

    assert revoked.status_code == 200
    answer = site.call("GET", "/api/v1/schemes/wiltshire/accounts/alice", token["access_token"])
    assert (answer.status_code, answer.json()["code"]) == (401, "unauthenticated")


def test_revoking_the_refresh_token_ends_the_access_token_too(site):
    token, _ = signed_in(site)

    site.oauth.revoke_token(
        site.config["revocation_endpoint"], token["refresh_token"], "refresh_token"
    )

    assert site.call("GET", "/oauth/userinfo", token["access_token"]).status_code == 401
    refresh = site.token_request(
        {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}
    )
    assert refresh.json()["error"] == "invalid_grant"


def test_a_member_who_denies_consent_sends_access_denied_back(site):
    url, state, *_ = site.authorization_url()
    page = site.sign_in("alice@wiltshire.test", PASSWORD, url)

    answer = site.consent(page, decision="deny")

    assert answer.headers["Location"].startswith("https://rp.example/callback?error=access_denied")
    assert f"state={state}" in answer.headers["Location"]


def test_consent_without_the_csrf_token_is_refused(site):
    url, *_ = site.authorization_url()
    page = site.sign_in("alice@wiltshire.test", PASSWORD, url)

    answer = site.browser.post(page.url, data={"decision": "allow"}, allow_redirects=False)

    assert (answer.status_code, answer.json()["code"]) == (400, "csrf_failed")


def test_the_audit_log_records_the_client_the_login_and_the_token(site):
    signed_in(site)

    db.session.expire_all()
    logged = set(db.session.scalars(select(AuditEntry.action)))
    assert {"oauth.client_created", "login.succeeded", "oauth.token_issued"} <= logged


def test_the_client_secret_is_stored_only_as_a_digest(site):
    client = db.session.scalars(select(OAuthClient)).one()

    assert client.secret_hash == digest(site.oauth.client_secret)
