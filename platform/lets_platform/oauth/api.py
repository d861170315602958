"""REST handlers for OAuth clients: organisers register their scheme's, administrators the hub's."""

from __future__ import annotations

from typing import Any

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.oauth import operations as ops
from lets_platform.oauth.models import OAuthClient
from lets_platform.oauth.schemas import ClientCreatedOut, ClientIn, ClientListArgs, ClientOut
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme

blp = Blueprint(
    "oauth_clients",
    __name__,
    url_prefix=API_PREFIX + "/oauth",
    description="Applications that sign members in with their hub identity",
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
