"""Test helpers for the provider: registering clients, issuing tokens directly, and a
relying party (authlib's own OAuth client) that signs a person in through a live server."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from lets_platform import clock
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.oauth import operations as ops
from lets_platform.oauth import secrets
from lets_platform.oauth.models import OAuthClient, OAuthToken
from lets_platform.tenancy.models import Scheme
from lets_platform.web.testing import csrf_token

REDIRECT_URI = "https://rp.example/callback"
_NEXT = re.compile(r'name="next" value="([^"]*)"')
ALL_SCOPES = "openid profile email ledger:read ledger:write directory:write scheme:admin"


def register_client(
    scheme: Scheme | None = None, scopes: str = ALL_SCOPES, redirect_uri: str = REDIRECT_URI
) -> tuple[OAuthClient, str]:
    client, secret = ops.register_client(
        name="Relying party", redirect_uris=[redirect_uri], scopes=scopes, scheme=scheme, actor=None
    )
    db.session.commit()
    return client, secret


def issue_access_token(client: OAuthClient, person: Person, scope: str, **expiry: float) -> str:
    """An access token as the token endpoint would store it (``expiry``: its lifetime)."""
    token = secrets.new_access_token()
    now = clock.now()
    db.session.add(
        OAuthToken(
            client_id=client.id,
            person_id=person.id,
            access_token_hash=secrets.digest(token),
            scope=scope,
            issued_at=now,
            expires_at=now + timedelta(**(expiry or {"hours": 1})),
        )
    )
    db.session.commit()
    return token


@dataclass
class Authorization:
    """What came back to the relying party's redirect URI, and what it must remember."""

    location: str
    state: str
    verifier: str
    nonce: str


class RelyingParty:
    """A scheme's web site, as authlib's OAuth client, and its member's browser."""

    def __init__(self, base_url: str, client_id: str, secret: str, scope: str) -> None:
        self.base_url = base_url
        self.config = requests.get(
            base_url + "/.well-known/openid-configuration", timeout=30
        ).json()
        self.oauth = OAuth2Session(
            client_id, secret, scope=scope, redirect_uri=REDIRECT_URI, code_challenge_method="S256"
        )
        self.browser = requests.Session()

    def authorization_url(self, **params: Any) -> tuple[str, str, str, str]:
        """(url, state, code_verifier, nonce) for a fresh authorization request."""
        verifier, nonce = generate_token(48), generate_token(20)
        url, state = self.oauth.create_authorization_url(
            self.config["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **params
        )
        return url, state, verifier, nonce

    def sign_in(
        self, email: str, password: str, authorize_url: str, *, follow: bool = True
    ) -> requests.Response:
        """Follow the authorization URL to the login form and fill it in, as a browser
        would (the form says where to go on to); returns the consent page (or whatever the
        provider answered), or with ``follow=False`` the login's own redirect."""
        db.session.commit()  # the test's session must hold no lock while the server works
        login = self.browser.get(authorize_url, timeout=30)
        form = {"email": email, "password": password, "csrf_token": csrf_token(login.text)}
        found = _NEXT.search(login.text)
        if found:
            form["next"] = html.unescape(found.group(1))
        return self.browser.post(
            self.base_url + "/login", data=form, allow_redirects=follow, timeout=30
        )

    def visit(self, url: str) -> requests.Response:
        """The browser asks for ``url`` and stops at the first answer (no redirects)."""
        db.session.commit()
        return self.browser.get(url, allow_redirects=False, timeout=30)

    def consent(self, page: requests.Response, decision: str = "allow") -> requests.Response:
        form = {"decision": decision, "csrf_token": csrf_token(page.text)}
        db.session.commit()
        return self.browser.post(page.url, data=form, allow_redirects=False, timeout=30)

    def authorize(self, email: str, password: str, **params: Any) -> Authorization:
        url, state, verifier, nonce = self.authorization_url(**params)
        answer = self.consent(self.sign_in(email, password, url))
        assert answer.status_code == 302, answer.text
        return Authorization(answer.headers["Location"], state, verifier, nonce)

    def exchange(self, done: Authorization, **kwargs: Any) -> dict[str, Any]:
        db.session.commit()
        token: dict[str, Any] = self.oauth.fetch_token(
            self.config["token_endpoint"],
            authorization_response=done.location,
            state=done.state,
            code_verifier=done.verifier,
            **kwargs,
        )
        return token

    def token_request(self, data: dict[str, str], secret: str | None = None) -> requests.Response:
        """A raw POST to the token endpoint, authenticated as this client (or with ``secret``)."""
        db.session.commit()
        auth = (self.oauth.client_id, secret if secret is not None else self.oauth.client_secret)
        return requests.post(self.config["token_endpoint"], data=data, auth=auth, timeout=30)

    def call(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        db.session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        return requests.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)
