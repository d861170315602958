"""Tables of the OAuth2 / OpenID Connect provider: clients, authorization codes, tokens, and
the consents people have given.

Secrets, codes and tokens are kept only as SHA-256 digests: they are long random strings,
so a fast hash is enough, and a copy of the database lets no one act as a client or user.
The classes carry the small methods authlib's grants call on them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform import clock
from lets_platform.db import BigIntPK, Model, utcnow
from lets_platform.identity.models import Person
from lets_platform.oauth.secrets import digest_matches


class OAuthClient(Model):
    """A relying party: a scheme's web site or app (``scheme_id``) or the national body's."""

    __tablename__ = "oauth_clients"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 hex digest of the client secret; the secret itself is shown once.
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    #: Exact redirect URIs; an authorization request must name one of them.
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    #: Space-separated scopes the client may ask for.
    scopes: Mapped[str] = mapped_column(String(255))
    #: The scheme that registered it; null for the national body (acts in any scheme).
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("schemes.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # authlib ClientMixin
    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = self.scopes.split()
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return digest_matches(client_secret, self.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


class OAuthCode(Model):
    """An authorization code: single use (``used_at``), short-lived, bound to a PKCE challenge."""

    __tablename__ = "oauth_codes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("oauth_clients.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    redirect_uri: Mapped[str] = mapped_column(String(500))
    scope: Mapped[str] = mapped_column(String(255))
    nonce: Mapped[str | None] = mapped_column(String(255))
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(10))
    #: When the person logged in (the ID token's ``auth_time``).
    auth_time: Mapped[datetime]
    expires_at: Mapped[datetime]
    #: Set when exchanged; a second exchange is refused and revokes what the first got.
    used_at: Mapped[datetime | None]

    # authlib AuthorizationCodeMixin (OpenID flavour)
    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(self.auth_time.timestamp())

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class OAuthToken(Model):
    """An access token (prefix ``letsat_``) and its refresh token (``letsrt_``), as digests."""

    __tablename__ = "oauth_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("oauth_clients.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    #: The code it was issued for (null after a refresh); a replayed code revokes these.
    code_id: Mapped[int | None] = mapped_column(ForeignKey("oauth_codes.id"), index=True)
    access_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    refresh_expires_at: Mapped[datetime | None]
    #: Revoked (RFC 7009, rotation or code replay): neither token works any more.
    revoked_at: Mapped[datetime | None]

    client: Mapped[OAuthClient] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")

    # authlib TokenMixin
    def check_client(self, client: Any) -> bool:
        return bool(client is not None and client.id == self.client_id)

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int((self.expires_at - self.issued_at).total_seconds())

    def is_expired(self) -> bool:
        return self.expires_at <= clock.now()

    def is_refresh_expired(self) -> bool:
        return self.refresh_expires_at is None or self.refresh_expires_at <= clock.now()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def get_user(self) -> Person:
        return self.person

    def get_client(self) -> OAuthClient:
        return self.client


class OAuthConsent(Model):
    """What a person has allowed a client: a request for no more than these scopes skips
    the consent page (and may be answered to ``prompt=none``). One row per person and
    client; revoking deletes it (the audit log keeps the history)."""

    __tablename__ = "oauth_consents"
    __table_args__ = (UniqueConstraint("person_id", "client_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True
    )
    #: Space-separated: every scope allowed so far (a consent to more adds to them).
    scope: Mapped[str] = mapped_column(String(255))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    client: Mapped[OAuthClient] = relationship(lazy="joined")

    def covers(self, scope: str) -> bool:
        return set(scope.split()) <= set(self.scope.split())
