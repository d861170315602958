"""Registering clients, keeping codes and tokens, and remembering consents: what the
provider's endpoints call.

Codes and tokens are stored as digests; a code is used once (a second exchange revokes
what the first one got); refresh tokens rotate; revoking a token ends both halves.
Withdrawing a consent ends everything the client holds for that person.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update

from lets_platform import clock, permissions
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person
from lets_platform.oauth import secrets
from lets_platform.oauth.models import OAuthClient, OAuthCode, OAuthConsent, OAuthToken
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme

RedirectUriInvalid = _error(
    "redirect_uri_invalid",
    422,
    "Redirect URIs must be absolute https URLs (http only on the loopback) without a fragment.",
)
ScopeUnknown = _error("scope_unknown", 422, "The client asks for a scope this hub does not have.")
ConsentNotFound = _error(
    "consent_not_found", 404, "You have not allowed this application to act for you."
)

CODE_LIFETIME = timedelta(minutes=5)
ACCESS_TOKEN_SECONDS = 3600
REFRESH_LIFETIME = timedelta(days=30)
DEFAULT_SCOPES = "openid profile email ledger:read"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def register_client(
    *,
    name: str,
    redirect_uris: list[str],
    scopes: str | None,
    scheme: Scheme | None,
    actor: Person | None,
) -> tuple[OAuthClient, str]:
    """Register a relying party for ``scheme`` (None: the national body).

    Returns:
        the client and its secret, which is not stored and cannot be shown again.
    """
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed(
            "A client needs a name (at most 120 characters).", errors={"name": ["required"]}
        )
    uris = [check_redirect_uri(uri) for uri in redirect_uris or []]
    if not uris or len(uris) > 10:
        raise RedirectUriInvalid("Give between one and ten redirect URIs.")
    secret = secrets.new_client_secret()
    client = OAuthClient(
        client_id=secrets.new_client_id(),
        secret_hash=secrets.digest(secret),
        name=name,
        redirect_uris=uris,
        scopes=check_scopes(scopes if scopes is not None else DEFAULT_SCOPES),
        scheme_id=scheme.id if scheme else None,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(client)
    db.session.flush()
    record(
        "oauth.client_created",
        f"client:{client.client_id}",
        actor_id=actor.id if actor else None,
        scheme_id=client.scheme_id,
        name=name,
        redirect_uris=uris,
        scopes=client.scopes,
    )
    return client, secret


def check_redirect_uri(uri: Any) -> str:
    parts = urlsplit(uri) if isinstance(uri, str) else None
    secure = parts is not None and (
        parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
    )
    if parts is None or not secure or not parts.netloc or parts.fragment or len(uri) > 500:
        raise RedirectUriInvalid(f"{uri!r} is not an acceptable redirect URI.")
    return str(uri)


def check_scopes(scopes: str) -> str:
    asked = scopes.split()
    unknown = [s for s in asked if s not in permissions.SCOPES]
    if unknown or not asked:
        raise ScopeUnknown(
            f"Unknown or missing scopes {unknown}; the scopes are {', '.join(permissions.SCOPES)}."
        )
    return " ".join(dict.fromkeys(asked))


def list_clients(scheme: Scheme | None) -> list[OAuthClient]:
    """The clients of one scheme, or the national body's (``None``)."""
    owner = (
        OAuthClient.scheme_id.is_(None) if scheme is None else OAuthClient.scheme_id == scheme.id
    )
    return list(db.session.scalars(select(OAuthClient).where(owner).order_by(OAuthClient.id)))


def find_client(client_id: str) -> OAuthClient | None:
    return db.session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))


def save_code(
    code: str,
    *,
    client: OAuthClient,
    person: Person,
    redirect_uri: str,
    scope: str,
    payload: Any,
    auth_time: datetime,
) -> OAuthCode:
    item = OAuthCode(
        code_hash=secrets.digest(code),
        client_id=client.id,
        person_id=person.id,
        redirect_uri=redirect_uri,
        scope=scope,
        nonce=payload.get("nonce"),
        code_challenge=payload.get("code_challenge"),
        code_challenge_method=payload.get("code_challenge_method"),
        auth_time=auth_time,
        expires_at=clock.now() + CODE_LIFETIME,
    )
    db.session.add(item)
    db.session.flush()
    return item


def find_code(code: str, client: OAuthClient) -> OAuthCode | None:
    """An unexpired code of ``client`` (perhaps used already: see ``used_at``)."""
    item = db.session.scalar(
        select(OAuthCode).where(
            OAuthCode.code_hash == secrets.digest(code), OAuthCode.client_id == client.id
        )
    )
    if item is None or item.expires_at <= clock.now():
        return None
    return item


def revoke_tokens_of_code(item: OAuthCode) -> int:
    """A code came back a second time: whoever holds what it got may be an attacker."""
    return _revoke_where(OAuthToken.code_id == item.id)


def use_code(item: OAuthCode) -> bool:
    """Mark the code used; False if another exchange got there first."""
    done = db.session.execute(
        update(OAuthCode)
        .where(OAuthCode.id == item.id, OAuthCode.used_at.is_(None))
        .values(used_at=clock.now())
    )
    return bool(getattr(done, "rowcount", 0))


def nonce_used(client_id: str, nonce: str) -> bool:
    found = select(OAuthCode.id).join(OAuthClient, OAuthClient.id == OAuthCode.client_id)
    found = found.where(OAuthClient.client_id == client_id, OAuthCode.nonce == nonce)
    return db.session.scalar(found.limit(1)) is not None


def save_token(token: dict[str, Any], request: Any) -> OAuthToken:
    """Keep a token response's access (and refresh) token as digests, and audit it."""
    client: OAuthClient = request.client
    person: Person = request.user
    now = clock.now()
    code = getattr(request, "authorization_code", None)
    refresh = token.get("refresh_token")
    item = OAuthToken(
        client_id=client.id,
        person_id=person.id,
        code_id=code.id if code is not None else None,
        access_token_hash=secrets.digest(token["access_token"]),
        refresh_token_hash=secrets.digest(refresh) if refresh else None,
        scope=token.get("scope", ""),
        issued_at=now,
        expires_at=now + timedelta(seconds=int(token.get("expires_in", ACCESS_TOKEN_SECONDS))),
        refresh_expires_at=now + REFRESH_LIFETIME if refresh else None,
    )
    db.session.add(item)
    db.session.flush()
    record(
        "oauth.token_issued",
        f"client:{client.client_id}",
        actor_id=person.id,
        scheme_id=client.scheme_id,
        scope=item.scope,
        grant_type=request.payload.grant_type,
    )
    return item


def find_access_token(token: str) -> OAuthToken | None:
    return db.session.scalar(
        select(OAuthToken).where(OAuthToken.access_token_hash == secrets.digest(token))
    )


def find_refresh_token(token: str) -> OAuthToken | None:
    """The token row of an unexpired refresh token (perhaps revoked: see ``revoked_at``)."""
    item = db.session.scalar(
        select(OAuthToken).where(OAuthToken.refresh_token_hash == secrets.digest(token))
    )
    if item is None or item.is_refresh_expired():
        return None
    return item


def revoke_tokens_of(client_id: int, person_id: int) -> int:
    """A refresh token came back after it was rotated or revoked: someone holds a copy, so
    everything the client holds for this person ends (they sign in again)."""
    return _revoke_where((OAuthToken.client_id == client_id) & (OAuthToken.person_id == person_id))


def find_any_token(token: str) -> OAuthToken | None:
    return find_access_token(token) or db.session.scalar(
        select(OAuthToken).where(OAuthToken.refresh_token_hash == secrets.digest(token))
    )


def revoke(item: OAuthToken) -> bool:
    """Revoke both halves of a token; False if it was revoked already."""
    return _revoke_where(OAuthToken.id == item.id) > 0


def _revoke_where(condition: Any) -> int:
    done = db.session.execute(
        update(OAuthToken)
        .where(condition, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(done, "rowcount", 0))


def consent_of(person: Person, client: OAuthClient) -> OAuthConsent | None:
    return db.session.scalar(
        select(OAuthConsent).where(
            OAuthConsent.person_id == person.id, OAuthConsent.client_id == client.id
        )
    )


def remember_consent(person: Person, client: OAuthClient, scope: str) -> OAuthConsent:
    """``person`` allowed ``client`` these scopes: add them to what it was allowed before."""
    consent = consent_of(person, client)
    if consent is None:
        consent = OAuthConsent(person_id=person.id, client_id=client.id, scope="")
        db.session.add(consent)
    granted = " ".join(dict.fromkeys([*consent.scope.split(), *scope.split()]))
    consent.scope, consent.updated_at = granted, clock.now()
    record(
        "oauth.consent_given",
        f"client:{client.client_id}",
        actor_id=person.id,
        scheme_id=client.scheme_id,
        scope=scope,
    )
    db.session.flush()
    return consent


def list_consents(person: Person) -> list[OAuthConsent]:
    """The applications ``person`` has allowed, by name."""
    query = (
        select(OAuthConsent).join(OAuthConsent.client).where(OAuthConsent.person_id == person.id)
    )
    return list(db.session.scalars(query.order_by(OAuthClient.name, OAuthClient.id)))


def withdraw_consent(person: Person, client_id: str) -> None:
    """Forget what ``person`` allowed the client and end what it holds for them: its access
    and refresh tokens are revoked and its unused codes spent, so it must ask again.

    Raises ``consent_not_found`` if the person has not allowed that client.
    """
    client = find_client(client_id)
    consent = consent_of(person, client) if client is not None else None
    if client is None or consent is None:
        raise ConsentNotFound(f"You have not allowed the application {client_id!r}.")
    if client.scheme_id is not None:
        scope.allow(client.scheme_id)  # recorded in the log of the scheme that registered it
    db.session.delete(consent)
    revoked = revoke_tokens_of(client.id, person.id)
    db.session.execute(
        update(OAuthCode)
        .where(
            OAuthCode.client_id == client.id,
            OAuthCode.person_id == person.id,
            OAuthCode.used_at.is_(None),
        )
        .values(used_at=clock.now())
    )
    record(
        "oauth.consent_withdrawn",
        f"client:{client.client_id}",
        actor_id=person.id,
        scheme_id=client.scheme_id,
        tokens_revoked=revoked,
    )
    db.session.flush()
