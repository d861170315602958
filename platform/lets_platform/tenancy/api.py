"""REST handlers for networks and schemes (provisioning is the national body's)."""

from __future__ import annotations

from typing import Any

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.tenancy import operations as ops
from lets_platform.tenancy.models import Network, Scheme
from lets_platform.tenancy.schemas import (
    NetworkIn,
    NetworkOut,
    OrganiserIn,
    OrganiserOut,
    SchemeIn,
    SchemeOut,
)

blp = Blueprint("schemes", __name__, url_prefix=API_PREFIX, description="Networks and schemes")


@blp.route("/schemes", methods=["POST"])
@blp.arguments(SchemeIn)
@blp.response(201, SchemeOut)
def create_scheme(body: dict[str, Any]) -> Scheme:
    person = current_person()
    permissions.require(person, "scheme.provision")
    currency = body.pop("currency")
    return ops.provision_scheme(
        currency_code=currency["code"],
        currency_name=currency["name"],
        decimals=currency["decimals"],
        actor=person,
        **body,
    )


@blp.route("/schemes", methods=["GET"])
@blp.response(200, SchemeOut(many=True))
def list_schemes() -> list[Scheme]:
    current_person()
    return ops.list_schemes()


@blp.route("/schemes/<slug>", methods=["GET"])
@blp.response(200, SchemeOut)
def get_scheme(slug: str) -> Scheme:
    current_person()
    return ops.get_scheme(slug)


@blp.route("/networks", methods=["POST"])
@blp.arguments(NetworkIn)
@blp.response(201, NetworkOut)
def create_network(body: dict[str, Any]) -> Network:
    permissions.require(current_person(), "scheme.provision")
    return ops.create_network(body["slug"], body["name"])


@blp.route("/networks", methods=["GET"])
@blp.response(200, NetworkOut(many=True))
def list_networks() -> list[Network]:
    current_person()
    return ops.list_networks()


@blp.route("/networks/<network>/organisers", methods=["POST"])
@blp.arguments(OrganiserIn)
@blp.response(201, OrganiserOut)
def appoint_regional_organiser(body: dict[str, Any], network: str) -> dict[str, Any]:
    """The national body appoints a regional organiser for the schemes of one network."""
    person = current_person()
    permissions.require(person, "scheme.provision")
    organiser = ops.appoint_regional_organiser(network, body["email"], actor=person)
    return {"email": organiser.email, "network": network}
