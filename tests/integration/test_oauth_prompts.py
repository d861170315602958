"""OpenID Connect's rules at the authorization endpoint, as a relying party meets them:
every answer to the client carries ``state`` and ``iss``; consent is remembered per
person, client and scopes (so ``prompt=none`` can succeed); ``prompt=login`` and
``max_age`` make the person sign in again; ``redirect_uri`` is required. authlib's own
OAuth client against a live server on loopback, time moved by a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from joserfc import jwt
from joserfc.jwk import KeySet

from lets_platform import clock
from lets_platform.identity.operations import hash_password
from lets_platform.oauth.testing import RelyingParty, register_client
from lets_platform.web.testing import live_server

PASSWORD = "alice's long password"
EMAIL = "alice@wiltshire.test"
SCOPE = "openid profile"
CALLBACK = "https://rp.example/callback"


@pytest.fixture
def fake_clock(ctx: Flask) -> Iterator[clock.FakeClock]:
    fake = clock.FakeClock(datetime.now(UTC).replace(microsecond=0))
    clock.install(ctx, fake)
    yield fake
    clock.install(ctx, None)


@pytest.fixture
def site(ctx, monkeypatch, fake_clock, create_scheme, create_member) -> Iterator[RelyingParty]:
    monkeypatch.setitem(ctx.config, "SESSION_COOKIE_SECURE", False)
    alice = create_member(create_scheme("wiltshire"), "alice")
    alice.password_hash = hash_password(PASSWORD)
    client, secret = register_client(scopes="openid profile email")
    with live_server(ctx) as base_url:
        yield RelyingParty(base_url, client.client_id, secret, SCOPE)


def query(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def to_client(answer: requests.Response) -> dict[str, str]:
    """The parameters of a redirect back to the client's redirect URI."""
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(CALLBACK + "?"), answer.headers["Location"]
    return query(answer.headers["Location"])


def consented(site: RelyingParty, **params: Any) -> None:
    """Alice signs in and allows the site once (its code is left unused)."""
    site.authorize(EMAIL, PASSWORD, **params)


def id_token_claims(site: RelyingParty, token: dict[str, Any]) -> dict[str, Any]:
    keys = KeySet.import_key_set(requests.get(site.config["jwks_uri"], timeout=30).json())
    return dict(jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims)


# Every answer to the client says who answered and carries its state


def test_discovery_says_authorization_responses_carry_iss(site):
    assert site.config["authorization_response_iss_parameter_supported"] is True


def test_prompt_none_while_signed_in_without_consent_sends_state_and_iss_back(site):
    site.sign_in(EMAIL, PASSWORD, site.authorization_url()[0])
    url, state, *_ = site.authorization_url(prompt="none")

    answer = to_client(site.visit(url))

    assert answer["error"] == "consent_required"
    assert answer["state"] == state
    assert answer["iss"] == site.config["issuer"]


def test_prompt_none_without_a_session_sends_state_and_iss_back(site):
    url, state, *_ = site.authorization_url(prompt="none")

    answer = to_client(site.visit(url))

    assert (answer["error"], answer["state"]) == ("login_required", state)
    assert answer["iss"] == site.config["issuer"]


def test_a_refused_request_sends_state_and_iss_back(site):
    site.sign_in(EMAIL, PASSWORD, site.authorization_url()[0])
    url, state, *_ = site.authorization_url()
    plain = url.replace("code_challenge_method=S256", "code_challenge_method=plain")

    answer = to_client(site.visit(plain))

    assert (answer["error"], answer["state"]) == ("invalid_request", state)
    assert answer["iss"] == site.config["issuer"]


def test_a_denied_consent_sends_state_and_iss_back(site):
    url, state, *_ = site.authorization_url()

    answer = to_client(site.consent(site.sign_in(EMAIL, PASSWORD, url), decision="deny"))

    assert (answer["error"], answer["state"]) == ("access_denied", state)
    assert answer["iss"] == site.config["issuer"]


def test_the_code_comes_back_with_state_and_iss(site):
    done = site.authorize(EMAIL, PASSWORD)

    answer = query(done.location)

    assert answer["state"] == done.state
    assert answer["iss"] == site.config["issuer"]
    assert "access_token" in site.exchange(done)


# Consent is remembered per person, client and scopes


def test_a_second_sign_in_for_the_same_scopes_skips_the_consent_page(site):
    consented(site)
    url, state, verifier, _ = site.authorization_url()

    answer = to_client(site.visit(url))

    assert answer["state"] == state
    assert "code" in answer


def test_prompt_none_succeeds_once_the_person_has_consented(site):
    consented(site)
    url, state, verifier, nonce = site.authorization_url(prompt="none")

    answer = site.visit(url)
    token = site.oauth.fetch_token(
        site.config["token_endpoint"],
        authorization_response=answer.headers["Location"],
        state=state,
        code_verifier=verifier,
    )

    assert token["scope"] == SCOPE
    assert id_token_claims(site, token)["nonce"] == nonce


def test_fewer_scopes_than_were_allowed_need_no_consent_again(site):
    consented(site)
    url, *_ = site.authorization_url(scope="openid", prompt="none")

    assert "code" in to_client(site.visit(url))


def test_more_scopes_than_were_allowed_ask_again(site):
    consented(site)
    url, *_ = site.authorization_url(scope="openid profile email")

    page = site.visit(url)

    assert page.status_code == 200
    assert "Allow Relying party?" in page.text
    assert "email" in page.text


def test_more_scopes_with_prompt_none_answer_consent_required(site):
    consented(site)
    url, *_ = site.authorization_url(scope="openid profile email", prompt="none")

    assert to_client(site.visit(url))["error"] == "consent_required"


def test_allowing_more_scopes_remembers_them_all(site):
    consented(site)
    more, *_ = site.authorization_url(scope="openid email")
    site.consent(site.visit(more))
    url, *_ = site.authorization_url(scope="openid profile email", prompt="none")

    assert "code" in to_client(site.visit(url))


def test_prompt_consent_asks_again_even_when_remembered(site):
    consented(site)
    url, *_ = site.authorization_url(prompt="consent")

    assert site.visit(url).status_code == 200


def test_a_denial_is_not_remembered(site):
    url, *_ = site.authorization_url()
    site.consent(site.sign_in(EMAIL, PASSWORD, url), decision="deny")
    again, *_ = site.authorization_url(prompt="none")

    assert to_client(site.visit(again))["error"] == "consent_required"


# prompt=login and max_age make the person sign in again


def test_prompt_login_asks_for_the_password_even_when_signed_in(site, fake_clock):
    consented(site)
    url, *_ = site.authorization_url(prompt="login")

    answer = site.visit(url)

    assert answer.status_code == 302
    assert urlsplit(answer.headers["Location"]).path == "/login"


def test_after_prompt_login_the_id_token_has_the_new_sign_in_time(site, fake_clock):
    consented(site)
    fake_clock.advance(minutes=30)
    url, state, verifier, _ = site.authorization_url(prompt="login")

    signed_in = site.sign_in(EMAIL, PASSWORD, url, follow=False)
    back = site.visit(site.base_url + signed_in.headers["Location"])
    token = site.oauth.fetch_token(
        site.config["token_endpoint"],
        authorization_response=back.headers["Location"],
        state=state,
        code_verifier=verifier,
    )

    assert id_token_claims(site, token)["auth_time"] == int(fake_clock.now().timestamp())


def test_prompt_login_without_a_session_asks_for_the_password_once(site):
    url, *_ = site.authorization_url(prompt="login")

    page = site.sign_in(EMAIL, PASSWORD, url)

    assert "Allow Relying party?" in page.text


def test_max_age_zero_asks_for_the_password_once_and_goes_on(site, fake_clock):
    consented(site)
    fake_clock.advance(seconds=1)
    url, *_ = site.authorization_url(max_age="0")

    signed_in = site.sign_in(EMAIL, PASSWORD, url, follow=False)

    assert "code" in to_client(site.visit(site.base_url + signed_in.headers["Location"]))


def test_prompt_login_with_prompt_none_is_refused(site):
    url, state, *_ = site.authorization_url(prompt="none login")

    answer = to_client(site.visit(url))

    assert (answer["error"], answer["state"]) == ("invalid_request", state)


def test_a_sign_in_older_than_max_age_asks_for_the_password_again(site, fake_clock):
    consented(site)
    fake_clock.advance(minutes=10)
    url, *_ = site.authorization_url(max_age="300")

    answer = site.visit(url)

    assert urlsplit(answer.headers["Location"]).path == "/login"


def test_a_sign_in_within_max_age_goes_on(site, fake_clock):
    consented(site)
    fake_clock.advance(minutes=4)
    url, *_ = site.authorization_url(max_age="300")

    assert "code" in to_client(site.visit(url))


def test_a_sign_in_older_than_max_age_with_prompt_none_answers_login_required(site, fake_clock):
    consented(site)
    fake_clock.advance(minutes=10)
    url, state, *_ = site.authorization_url(max_age="300", prompt="none")

    answer = to_client(site.visit(url))

    assert (answer["error"], answer["state"]) == ("login_required", state)


def test_a_max_age_that_is_not_a_number_is_refused(site):
    consented(site)
    url, *_ = site.authorization_url(max_age="soon")

    assert to_client(site.visit(url))["error"] == "invalid_request"


def test_the_id_token_carries_the_time_the_person_signed_in(site, fake_clock):
    signed_in_at = int(fake_clock.now().timestamp())
    done = site.authorize(EMAIL, PASSWORD, max_age="3600")
    fake_clock.advance(minutes=2)

    claims = id_token_claims(site, site.exchange(done))

    assert claims["auth_time"] == signed_in_at


# A request that cannot be answered to a redirect URI is answered here


def test_an_openid_request_without_a_redirect_uri_is_refused_without_redirecting(site):
    url, *_ = site.authorization_url()
    params = {k: v for k, v in query(url).items() if k != "redirect_uri"}
    bare = site.config["authorization_endpoint"] + "?" + requests.compat.urlencode(params)
    site.sign_in(EMAIL, PASSWORD, url)

    page = site.visit(bare)

    assert page.status_code == 400
    assert "Location" not in page.headers
    assert "redirect_uri" in page.text


def test_a_denial_on_the_consent_page_stands_even_if_consent_was_given_meanwhile(site):
    url, *_ = site.authorization_url()
    page = site.sign_in(EMAIL, PASSWORD, url)
    other, *_ = site.authorization_url()
    site.consent(site.visit(other))  # allowed in another tab

    answer = to_client(site.consent(page, decision="deny"))

    assert answer["error"] == "access_denied"
