"""Every 401 from the API and from userinfo says how to authenticate, and a refused bearer
token is told why (RFC 6750 §3): ``WWW-Authenticate: Bearer realm="lets"``, with
``error="invalid_token"`` or ``error="insufficient_scope", scope=...``."""

from __future__ import annotations

import pytest

from lets_platform.oauth.testing import issue_access_token, register_client

ACCOUNT = "/schemes/wiltshire/accounts/alice"
NO_TOKEN = 'Bearer realm="lets"'
INVALID = 'Bearer realm="lets", error="invalid_token"'


@pytest.fixture
def alice(create_scheme, create_member):
    wiltshire = create_scheme("wiltshire")
    alice = create_member(wiltshire, "alice")
    create_member(wiltshire, "bob")
    return alice


@pytest.fixture
def client(alice):
    client, _ = register_client()
    return client


def userinfo(ctx, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return ctx.test_client().get("/oauth/userinfo", headers=headers)


def test_an_api_call_without_a_token_is_told_to_bring_a_bearer_token(api, alice):
    answer = api.get(ACCOUNT)

    assert (answer.status_code, answer.json["code"]) == (401, "unauthenticated")
    assert answer.headers["WWW-Authenticate"] == NO_TOKEN


def test_an_api_call_with_an_unknown_token_is_told_the_token_is_invalid(api, alice):
    answer = api.as_("lets_not-a-token").get(ACCOUNT)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == INVALID


def test_an_api_call_with_an_expired_access_token_is_told_the_token_is_invalid(api, alice, client):
    token = issue_access_token(client, alice, "ledger:read", seconds=-1)

    answer = api.as_(token).get(ACCOUNT)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == INVALID


def test_an_api_call_beyond_the_tokens_scope_is_told_which_scope_it_needs(api, alice, client):
    token = issue_access_token(client, alice, "ledger:read")

    answer = api.as_(token).post(
        "/schemes/wiltshire/transfers", {"payer": "alice", "payee": "bob", "amount": "1.00"}
    )

    assert (answer.status_code, answer.json["code"]) == (403, "insufficient_scope")
    expected = 'Bearer realm="lets", error="insufficient_scope", scope="ledger:write"'
    assert answer.headers["WWW-Authenticate"] == expected


def test_other_refusals_carry_no_challenge(api, alice, token_for):
    answer = api.as_(token_for(alice)).get("/schemes/nowhere")

    assert answer.status_code == 404
    assert "WWW-Authenticate" not in answer.headers


def test_userinfo_without_a_token_is_told_to_bring_one(ctx, alice):
    answer = userinfo(ctx, None)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == NO_TOKEN


def test_userinfo_with_an_expired_token_is_told_the_token_is_invalid(ctx, alice, client):
    token = issue_access_token(client, alice, "openid", seconds=-1)

    answer = userinfo(ctx, token)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == INVALID


def test_userinfo_without_the_openid_scope_is_told_it_needs_it(ctx, alice, client):
    token = issue_access_token(client, alice, "ledger:read")

    answer = userinfo(ctx, token)

    assert (answer.status_code, answer.json["code"]) == (403, "insufficient_scope")
    expected = 'Bearer realm="lets", error="insufficient_scope", scope="openid"'
    assert answer.headers["WWW-Authenticate"] == expected
