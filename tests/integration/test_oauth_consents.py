"""A person sees the sites they have allowed to act for them and withdraws any of them, by
the API (``/api/v1/me/consents``, personal tokens only) or on the connected-sites page;
withdrawing ends the site's tokens and codes, and the site must ask again. authlib's own
OAuth client against a live server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.identity.operations import hash_password
from lets_platform.oauth.testing import RelyingParty, register_client
from lets_platform.tenancy.operations import get_scheme
from lets_platform.web.testing import csrf_token, live_server

PASSWORD = "alice's long password"
EMAIL = "alice@wiltshire.test"
SCOPE = "openid profile ledger:read"
MINE = "/api/v1/me/consents"
ACCOUNT = "/api/v1/schemes/wiltshire/accounts/alice"


@pytest.fixture
def alice(create_scheme, create_member):
    alice = create_member(create_scheme("wiltshire"), "alice")
    alice.password_hash = hash_password(PASSWORD)
    db.session.commit()
    return alice


@pytest.fixture
def site(ctx, monkeypatch, alice) -> Iterator[RelyingParty]:
    monkeypatch.setitem(ctx.config, "SESSION_COOKIE_SECURE", False)
    client, secret = register_client(scopes=SCOPE)
    with live_server(ctx) as base_url:
        yield RelyingParty(base_url, client.client_id, secret, SCOPE)


@pytest.fixture
def personal(alice, token_for) -> str:
    return token_for(alice)


def signed_in(site: RelyingParty) -> dict:
    return site.exchange(site.authorize(EMAIL, PASSWORD))


def error_for_prompt_none(site: RelyingParty) -> str | None:
    url, *_ = site.authorization_url(prompt="none")
    location = site.visit(url).headers["Location"]
    return parse_qs(urlsplit(location).query).get("error", [None])[0]


def test_the_api_lists_the_sites_a_person_has_allowed(site, personal):
    signed_in(site)

    listed = site.call("GET", MINE, personal)

    assert listed.status_code == 200
    [consent] = listed.json()
    assert consent["client_id"] == site.oauth.client_id
    assert (consent["name"], consent["scheme"], consent["scopes"]) == ("Relying party", None, SCOPE)


def test_a_person_sees_only_their_own_consents(site, create_member, token_for):
    signed_in(site)
    bob = create_member(get_scheme("wiltshire"), "bob")

    assert site.call("GET", MINE, token_for(bob)).json() == []


def test_withdrawing_a_consent_ends_the_sites_tokens(site, personal):
    token = signed_in(site)

    withdrawn = site.call("DELETE", f"{MINE}/{site.oauth.client_id}", personal)

    assert withdrawn.status_code == 204
    assert site.call("GET", ACCOUNT, token["access_token"]).status_code == 401
    refresh = site.token_request(
        {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}
    )
    assert refresh.json()["error"] == "invalid_grant"
    assert site.call("GET", MINE, personal).json() == []


def test_withdrawing_spends_the_codes_the_site_has_not_exchanged_yet(site, personal):
    done = site.authorize(EMAIL, PASSWORD)

    site.call("DELETE", f"{MINE}/{site.oauth.client_id}", personal)

    code = parse_qs(urlsplit(done.location).query)["code"][0]
    answer = site.token_request(
        {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": done.verifier,
            "redirect_uri": "https://rp.example/callback",
        }
    )
    assert answer.json()["error"] == "invalid_grant"


def test_after_a_withdrawal_the_site_must_ask_again(site, personal):
    signed_in(site)
    assert error_for_prompt_none(site) is None

    site.call("DELETE", f"{MINE}/{site.oauth.client_id}", personal)

    assert error_for_prompt_none(site) == "consent_required"


def test_withdrawing_a_consent_never_given_is_consent_not_found(site, personal):
    answer = site.call("DELETE", f"{MINE}/{site.oauth.client_id}", personal)

    assert (answer.status_code, answer.json()["code"]) == (404, "consent_not_found")


def test_an_applications_access_token_may_not_see_or_withdraw_consents(site):
    token = signed_in(site)["access_token"]

    listed = site.call("GET", MINE, token)
    withdrawn = site.call("DELETE", f"{MINE}/{site.oauth.client_id}", token)

    assert (listed.status_code, listed.json()["code"]) == (403, "personal_token_required")
    assert withdrawn.json()["code"] == "personal_token_required"


def test_giving_and_withdrawing_consent_are_recorded(site, personal):
    signed_in(site)
    site.call("DELETE", f"{MINE}/{site.oauth.client_id}", personal)

    db.session.expire_all()
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.index("oauth.consent_given") < actions.index("oauth.consent_withdrawn")


# The connected-sites page


def test_the_page_lists_each_site_with_a_button_to_withdraw_it(site):
    signed_in(site)

    page = site.browser.get(site.base_url + "/connected-sites", timeout=30)

    assert page.status_code == 200
    assert "Withdraw Relying party" in page.text
    assert "the national body" in page.text


def test_withdrawing_on_the_page_ends_the_sites_tokens(site):
    token = signed_in(site)
    page = site.browser.get(site.base_url + "/connected-sites", timeout=30)

    done = site.browser.post(
        f"{site.base_url}/connected-sites/{site.oauth.client_id}/withdraw",
        data={"csrf_token": csrf_token(page.text)},
        timeout=30,
    )

    assert "The site no longer acts for you" in done.text
    assert "Withdraw Relying party" not in done.text
    assert site.call("GET", ACCOUNT, token["access_token"]).status_code == 401


def test_withdrawing_on_the_page_needs_the_csrf_token(site):
    signed_in(site)

    refused = site.browser.post(
        f"{site.base_url}/connected-sites/{site.oauth.client_id}/withdraw", timeout=30
    )

    assert refused.status_code == 400
    assert error_for_prompt_none(site) is None  # still allowed


def test_the_page_asks_to_sign_in_first(site):
    answer = site.visit(site.base_url + "/connected-sites")

    assert answer.status_code == 302
    assert urlsplit(answer.headers["Location"]).path == "/login"
