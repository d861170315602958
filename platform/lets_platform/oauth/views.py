"""The provider's HTTP endpoints: discovery, JWKS, authorize (with consent), token,
revocation and userinfo; and the page where a person sees and withdraws their consents.

The provider serves every scheme: its requests see every scheme's rows (it reads the
client registry and the signed-in person's own grants, by id, and nothing else).
"""

from __future__ import annotations

from typing import Any

from authlib.common.urls import add_params_to_uri
from authlib.integrations.flask_oauth2 import current_token
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import InsufficientScopeError
from authlib.oidc.core.errors import ConsentRequiredError, LoginRequiredError
from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from lets_platform import clock, permissions
from lets_platform.db import db
from lets_platform.errors import Unauthenticated
from lets_platform.identity.models import Person
from lets_platform.oauth import claims, keys, prompts
from lets_platform.oauth import operations as ops
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
        authorization_response_iss_parameter_supported=True,
    )


@bp.route("/oauth/jwks")
def jwks() -> Response:
    return jsonify(keys.jwks())


@bp.route("/oauth/authorize", methods=["GET", "POST"])
def authorize() -> Any:
    """Answer the client at once if the signed-in person allowed it these scopes before;
    otherwise ask them (GET) and answer with their decision (POST), which is remembered.
    Sign-in first when there is none, or when ``prompt=login`` or ``max_age`` asks for a
    fresh one; with ``prompt=none``, what would need a page is an error instead."""
    person = sessions.signed_in_person()
    try:
        grant = server.get_consent_grant(end_user=person)  # a bad request fails before login
        state = grant.request.payload.state
        prompt = prompts.read(request.values, grant.redirect_uri, state)
        fresh = person is None or prompt.needs_sign_in(sessions.auth_time(), clock.now())
        if fresh and prompt.silent:
            raise LoginRequiredError(redirect_uri=grant.redirect_uri, state=state)
        remembered = not fresh and not prompt.asks_consent and _remembered(person, grant)
        if prompt.silent and not remembered:
            raise ConsentRequiredError(redirect_uri=grant.redirect_uri, state=state)
    except OAuth2Error as error:
        return _authorization_error(error)
    if fresh or person is None:
        return redirect(url_for("web.login", next=prompts.after_sign_in(request.full_path)))
    g.setdefault(AUTH_TIME, sessions.auth_time())
    if request.method == "POST":  # the person's decision on the consent page
        allowed = request.form.get("decision") == "allow"
        if allowed:
            ops.remember_consent(person, grant.client, grant.request.scope)
        return _answer(grant, person if allowed else None)
    if remembered:
        return _answer(grant, person)
    return _consent_page(grant, person)


def _remembered(person: Person | None, grant: Any) -> bool:
    consent = ops.consent_of(person, grant.client) if person is not None else None
    return consent is not None and consent.covers(grant.request.scope)


def _consent_page(grant: Any, person: Person) -> str:
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


def _answer(grant: Any, person: Person | None) -> Response:
    """The code (or ``access_denied``) for the client, at its redirect URI."""
    response = server.create_authorization_response(grant=grant, grant_user=person)
    return _from_issuer(response)


def _authorization_error(error: OAuth2Error) -> Any:
    """Errors the client may hear go back to its redirect URI, with the request's state;
    the others (unknown client, unregistered or missing redirect URI) are shown here, and
    nobody is redirected."""
    if error.redirect_uri:
        error.state = error.state or request.values.get("state")
        return _from_issuer(server.handle_error_response(None, error))
    body = render_template("oauth/error.html", error=error.error, detail=error.description)
    return body, 400


def _from_issuer(response: Response) -> Response:
    """Every authorization response names the provider that sent it (``iss``, RFC 9207),
    so that a client that uses several cannot be sent one's answer as another's."""
    if response.location:
        response.location = add_params_to_uri(response.location, {"iss": issuer()})
    return response


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
        needed = permissions.InsufficientScope("userinfo needs the scope 'openid'.", scope="openid")
        raise needed from exc
    except OAuth2Error as exc:
        raise Unauthenticated("Send a valid, live access token as a bearer token.") from exc
    found = current_token
    return jsonify(dict(claims.user_info(found.person, found.scope)))


@bp.route("/connected-sites", methods=["GET"])
def connected_sites() -> Any:
    """The applications the signed-in person has allowed, each with a button to withdraw."""
    person = sessions.signed_in_person()
    if person is None:
        return redirect(url_for("web.login", next=request.path))
    consents = ops.list_consents(person)
    ids = {c.client.scheme_id for c in consents} - {None}
    owners = {s.id: s for s in db.session.scalars(select(Scheme).where(Scheme.id.in_(ids)))}
    return render_template(
        "oauth/connected_sites.html",
        person=person,
        consents=[(c, owners.get(c.client.scheme_id or 0)) for c in consents],
        withdrawn=request.args.get("withdrawn"),
    )


@bp.route("/connected-sites/<client_id>/withdraw", methods=["POST"])
def withdraw(client_id: str) -> Any:
    person = sessions.signed_in_person()
    if person is None:
        return redirect(url_for("web.login", next=url_for("oauth.connected_sites")))
    try:
        ops.withdraw_consent(person, client_id)
    except ops.ConsentNotFound:
        return redirect(url_for("oauth.connected_sites"))
    return redirect(url_for("oauth.connected_sites", withdrawn=client_id))
