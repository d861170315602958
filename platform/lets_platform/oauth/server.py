"""The authlib authorization server, with this hub's grants: authorization code with PKCE
(S256 only, always required), OpenID Connect ID tokens (RS256), rotating refresh tokens
and RFC 7009 revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import InvalidGrantError, InvalidRequestError, grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.grants.util import is_openid_scope
from flask import Flask, current_app, g, request
from joserfc.jwk import RSAKey

from lets_platform import clock, permissions
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.oauth import claims, keys, secrets
from lets_platform.oauth import operations as ops
from lets_platform.oauth.models import OAuthClient, OAuthCode, OAuthToken

AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
ID_TOKEN_SECONDS = 3600
#: On ``g``: the sign-in time the consent view hands to the code it creates.
AUTH_TIME = "_lets_auth_time"
#: On ``g``: a refused token request changed something that must stay (a replayed code's
#: tokens revoked), so the token endpoint commits although it answers 400.
COMMIT_ON_ERROR = "_lets_oauth_commit_on_error"


def issuer() -> str:
    """The provider's identifier: ``LETS_PUBLIC_URL``, else the URL this request came to."""
    configured = current_app.config.get("LETS_PUBLIC_URL")
    return str(configured or request.url_root).rstrip("/")


class S256Required(CodeChallenge):
    """PKCE on every authorization, with S256 only: ``plain`` and no challenge are refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send a code_challenge (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is accepted.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_authorization_request(self) -> str:
        """OpenID Connect requires the request to name its redirect URI (Core 3.1.2.1),
        even where OAuth would fall back to the client's only one; without one, there is
        no URI the request has proven it may be answered at, so the error is shown here."""
        payload = self.request.payload
        if is_openid_scope(payload.scope) and not payload.redirect_uri:
            raise InvalidRequestError("An OpenID Connect request must name its redirect_uri.")
        redirect_uri: str = super().validate_authorization_request()
        return redirect_uri

    def save_authorization_code(self, code: str, req: Any) -> OAuthCode:
        return ops.save_code(
            code,
            client=req.client,
            person=req.user,
            redirect_uri=req.payload.redirect_uri or req.client.get_default_redirect_uri(),
            scope=req.scope,
            payload=req.payload.data,
            auth_time=g.get(AUTH_TIME) or clock.now(),
        )

    def query_authorization_code(self, code: str, client: OAuthClient) -> OAuthCode | None:
        item = ops.find_code(code, client)
        if item is not None and item.used_at is not None:
            ops.revoke_tokens_of_code(item)
            g.setdefault(COMMIT_ON_ERROR, True)
            return None
        return item

    def delete_authorization_code(self, authorization_code: OAuthCode) -> None:
        if not ops.use_code(authorization_code):
            raise InvalidGrantError("The code was used already.")

    def authenticate_user(self, authorization_code: OAuthCode) -> Person | None:
        return db.session.get(Person, authorization_code.person_id)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: each refresh token works once

    def authenticate_refresh_token(self, refresh_token: str) -> OAuthToken | None:
        item = ops.find_refresh_token(refresh_token)
        if item is not None and item.is_revoked():
            ops.revoke_tokens_of(item.client_id, item.person_id)
            g.setdefault(COMMIT_ON_ERROR, True)
            return None
        return item

    def authenticate_user(self, refresh_token: OAuthToken) -> Person:
        return refresh_token.person

    def revoke_old_credential(self, refresh_token: OAuthToken) -> None:
        if not ops.revoke(refresh_token):
            raise InvalidGrantError("The refresh token was used already.")


class HubOpenIDCode(OpenIDCode):
    """ID tokens signed RS256 with the hub's key; times from the hub's clock."""

    def exists_nonce(self, nonce: str, req: Any) -> bool:
        return ops.nonce_used(req.payload.client_id, nonce)

    def resolve_client_private_key(self, client: OAuthClient) -> RSAKey:
        return keys.signing_key()

    def get_client_algorithm(self, client: OAuthClient) -> str:
        return keys.ALGORITHM

    def get_encode_header(self, client: OAuthClient) -> dict[str, str]:
        return {"alg": keys.ALGORITHM, "kid": keys.signing_key().kid or ""}

    def get_client_claims(self, client: OAuthClient) -> dict[str, Any]:
        now = clock.now()
        expires = now + timedelta(seconds=ID_TOKEN_SECONDS)
        return {
            "iss": issuer(),
            "aud": [client.client_id],
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
        }

    def generate_user_info(self, user: Person, scope: str) -> UserInfo:
        return claims.user_info(user, scope)


class HubRevocationEndpoint(RevocationEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> OAuthToken | None:
        return ops.find_any_token(token_string)

    def revoke_token(self, token: OAuthToken, req: Any) -> None:
        ops.revoke(token)


class HubTokenValidator(BearerTokenValidator):
    """Access tokens for the provider's own resources (userinfo); expiry by the hub's clock."""

    def authenticate_token(self, token_string: str) -> OAuthToken | None:
        return ops.find_access_token(token_string)


def _expires_in(client: OAuthClient, grant_type: str) -> int:
    return ops.ACCESS_TOKEN_SECONDS


class HubAuthorizationServer(AuthorizationServer):
    def create_token_response(self, request: Any = None) -> Any:
        """A token request without ``grant_type`` lacks a required parameter:
        ``invalid_request`` (RFC 6749 §5.2), not an unsupported grant type."""
        oauth_request = self.create_oauth2_request(request)
        if not oauth_request.payload.grant_type:
            missing = InvalidRequestError("Missing 'grant_type' in the request.")
            return self.handle_error_response(oauth_request, missing)
        return super().create_token_response(request)


server = HubAuthorizationServer()
require_oauth = ResourceProtector()
_registered: list[bool] = []


def init_app(app: Flask) -> None:
    app.config.setdefault("OAUTH2_SCOPES_SUPPORTED", list(permissions.SCOPES))
    server.init_app(app, query_client=ops.find_client, save_token=ops.save_token)
    generator = BearerTokenGenerator(
        secrets.new_access_token, secrets.new_refresh_token, _expires_in
    )
    server.register_token_generator("default", generator)
    if not _registered:  # the server is module-wide; its grants are registered once
        _registered.append(True)
        server.register_grant(AuthorizationCodeGrant, [S256Required(), HubOpenIDCode()])
        server.register_grant(RefreshTokenGrant)
        server.register_endpoint(HubRevocationEndpoint)
        require_oauth.register_token_validator(HubTokenValidator())
