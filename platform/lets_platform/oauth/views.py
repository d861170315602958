"""The provider's HTTP endpoints: discovery, JWKS, authorize (with consent), token,
revocation and userinfo.

The provider serves every scheme: its requests see every scheme's rows (it reads the
client registry and the signed-in person's own grants, by id, and nothing else).
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_oauth2 import current_token
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import InsufficientScopeError
from authlib.oidc.core.errors import ConsentRequiredError
from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, url_for

from lets_platform import permissions
from lets_platform.db import db
from lets_platform.errors import Unauthenticated
from lets_platform.oauth import claims, keys
from lets_platform.oauth.server import AUTH_TIME, COMMIT_ON_ERROR, issuer, require_oauth, server
from lets_platform.ratelimit import OAUTH_TOKEN, limited, oauth_error
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.web import sessions

bp = Blueprint("oauth", __name__, template_folder="templates")

#: Endpoints called by relying parties' servers, authenticated by the client secret, so
#: not by a browser form: no CSRF token.
CSRF_EXEMPT = ("oauth.token", "oauth.revoke", "oauth.userinfo")


@bp.before_request
def _provider_sees_every_scheme() -> None:
    scope.allow_all()


@bp.route("/.well-known/openid-configuration")
def discovery() -> Response:
    base = issuer()
    return jsonify(
        issuer=base,
        authorization_endpoint=base + url_for("oauth.authorize"),
        token_endpoint=base + url_for("oauth.token"),
        userinfo_endpoint=base + url_for("oauth.userinfo"),
        jwks_uri=base + url_for("oauth.jwks"),
        revocation_endpoint=base + url_for("oauth.revoke"),
        response_types_supported=["code"],
        response_modes_supported=["query"],
        grant_types_supported=["authorization_code", "refresh_token"],
        subject_types_supported=["public"],
        id_token_signing_alg_values_supported=[keys.ALGORITHM],
        scopes_supported=list(permissions.SCOPES),
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        revocation_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        code_challenge_methods_supported=["S256"],
        claims_supported=claims.CLAIMS_SUPPORTED,
    )


@bp.route("/oauth/jwks")
def jwks() -> Response:
    return jsonify(keys.jwks())


@bp.route("/oauth/authorize", methods=["GET", "POST"])
def authorize() -> Any:
    """Ask the signed-in person to allow the client (GET), then answer it (POST)."""
    person = sessions.signed_in_person()
    try:
        grant = server.get_consent_grant(end_user=person)  # a bad request fails before login
        if person is not None and "none" in (request.values.get("prompt") or "").split():
            raise ConsentRequiredError(redirect_uri=grant.redirect_uri)  # consent is not kept
    except OAuth2Error as error:
        return _authorization_error(error)
    if person is None:
        return redirect(url_for("web.login", next=request.full_path))
    if request.method == "GET":
        client = grant.client
        owner = db.session.get(Scheme, client.scheme_id) if client.scheme_id else None
        asked = grant.request.scope.split()
        return render_template(
            "oauth/consent.html",
            client=client,
            owner=owner,
            person=person,
            scopes=[(name, permissions.SCOPES[name]) for name in asked],
        )
    g.setdefault(AUTH_TIME, sessions.auth_time())
    allowed = request.form.get("decision") == "allow"
    return server.create_authorization_response(grant=grant, grant_user=person if allowed else None)


def _authorization_error(error: OAuth2Error) -> Any:
    """Errors the client may hear go back to its redirect URI; the others (unknown client,
    unregistered redirect URI) are shown here, and nobody is redirected."""
    if error.redirect_uri:
        return server.handle_error_response(None, error)
    body = render_template("oauth/error.html", error=error.error, detail=error.description)
    return body, 400


@bp.route("/oauth/token", methods=["POST"])
@limited(OAUTH_TOKEN, answer=oauth_error)
def token() -> Response:
    response = server.create_token_response()
    if response.status_code >= 400 and g.pop(COMMIT_ON_ERROR, False):
        db.session.commit()  # keep the revocation that a replayed code caused
    return response


@bp.route("/oauth/revoke", methods=["POST"])
def revoke() -> Response:
    return server.create_endpoint_response("revocation")


@bp.route("/oauth/userinfo", methods=["GET", "POST"])
def userinfo() -> Response:
    try:
        require_oauth.acquire_token(["openid"])
    except InsufficientScopeError as exc:
        raise permissions.InsufficientScope("userinfo needs the scope 'openid'.") from exc
    except OAuth2Error as exc:
        raise Unauthenticated("Send a valid, live access token as a bearer token.") from exc
    found = current_token
    return jsonify(dict(claims.user_info(found.person, found.scope)))
