"""REST handlers for OAuth clients (organisers register their scheme's, administrators the
hub's) and for the consents a person has given them (``/me/consents``: their own)."""

from __future__ import annotations

from typing import Any

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person, personal_caller
from lets_platform.db import db
from lets_platform.oauth import operations as ops
from lets_platform.oauth.models import OAuthClient, OAuthConsent
from lets_platform.oauth.schemas import (
    ClientCreatedOut,
    ClientIn,
    ClientListArgs,
    ClientOut,
    ConsentOut,
)
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme

blp = Blueprint(
    "oauth_clients",
    __name__,
    url_prefix=API_PREFIX + "/oauth",
    description="Applications that sign members in with their hub identity",
)
consents_blp = Blueprint(
    "my_consents",
    __name__,
    url_prefix=API_PREFIX + "/me/consents",
    description="The applications a person has allowed to act for them",
)


def _owner(slug: str | None) -> Scheme | None:
    """The scheme named (the caller must manage its clients), or the hub (administrators)."""
    person = current_person()
    scheme = get_scheme(slug) if slug else None
    permissions.require(person, "oauth.clients.manage", scheme.id if scheme else None)
    return scheme


def client_out(client: OAuthClient, scheme: Scheme | None) -> dict[str, Any]:
    return {
        "client_id": client.client_id,
        "name": client.name,
        "redirect_uris": client.redirect_uris,
        "scopes": client.scopes,
        "scheme": scheme.slug if scheme else None,
        "created_at": client.created_at,
    }


@blp.route("/clients", methods=["POST"])
@blp.arguments(ClientIn)
@blp.response(201, ClientCreatedOut)
def register_client(body: dict[str, Any]) -> dict[str, Any]:
    """Register a client; the secret is in this response only."""
    scheme = _owner(body["scheme"])
    client, secret = ops.register_client(
        name=body["name"],
        redirect_uris=body["redirect_uris"],
        scopes=body["scopes"],
        scheme=scheme,
        actor=current_person(),
    )
    return {**client_out(client, scheme), "client_secret": secret}


@blp.route("/clients", methods=["GET"])
@blp.arguments(ClientListArgs, location="query")
@blp.response(200, ClientOut(many=True))
def list_clients(args: dict[str, Any]) -> list[dict[str, Any]]:
    """The clients of ``?scheme=``, or without it the national body's."""
    scheme = _owner(args["scheme"])
    return [client_out(client, scheme) for client in ops.list_clients(scheme)]


def consent_out(consent: OAuthConsent) -> dict[str, Any]:
    client = consent.client
    owner = db.session.get(Scheme, client.scheme_id) if client.scheme_id else None
    return {
        "client_id": client.client_id,
        "name": client.name,
        "scheme": owner.slug if owner else None,
        "scopes": consent.scope,
        "granted_at": consent.granted_at,
        "updated_at": consent.updated_at,
    }


@consents_blp.route("", methods=["GET"])
@consents_blp.response(200, ConsentOut(many=True))
def list_consents() -> list[dict[str, Any]]:
    """The applications you have allowed to sign you in and act for you, with what each may
    do. A personal token only: applications may not list each other."""
    return [consent_out(consent) for consent in ops.list_consents(personal_caller())]


@consents_blp.route("/<client_id>", methods=["DELETE"])
@consents_blp.response(204)
def withdraw_consent(client_id: str) -> None:
    """Withdraw your consent: the application's tokens for you stop working at once, and it
    must ask you again before it signs you in."""
    ops.withdraw_consent(personal_caller(), client_id)
