"""REST handlers for regional pools: anyone signed in lists them; the national body makes one."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from lets_federation.migration.schemas import ProgressOut, progress_out
from lets_federation.pools import operations as ops
from lets_federation.pools.provision import provision_from_pool
from lets_platform import fields as api_fields
from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.auth import current_person
from lets_platform.tenancy.schemas import SchemeIn, SchemeOut

blp = Blueprint("pools", __name__, url_prefix=API_PREFIX + "/pools", description="Regional pools")


class PoolIn(Schema):
    network = api_fields.SlugRef(
        required=True, metadata={"description": "the network's slug", "example": "south-west"}
    )


class PoolNewSchemeIn(SchemeIn):
    class Meta:
        exclude = ("network",)  # the pool's network


class PoolProvisionIn(Schema):
    scheme = fields.Nested(PoolNewSchemeIn, required=True)
    handles = fields.List(api_fields.HandleRef(), required=True)


class PoolProvisionOut(Schema):
    scheme = fields.Nested(SchemeOut)
    run = fields.Nested(ProgressOut, metadata={"description": "the migration run moving them"})


@blp.route("", methods=["GET"])
@blp.response(200, SchemeOut(many=True))
def list_pools() -> list[Any]:
    current_person()
    return ops.list_pools()


@blp.route("", methods=["POST"])
@blp.arguments(PoolIn)
@blp.response(201, SchemeOut)
def ensure_pool(body: dict[str, Any]) -> Any:
    """The network's pool, created if it has none (a wind-up also creates it)."""
    person = current_person()
    permissions.require(person, "pools.manage")
    return ops.ensure_pool_by_slug(body["network"], person)


@blp.route("/<pool>/provision", methods=["POST"])
@blp.arguments(PoolProvisionIn)
@blp.response(202, PoolProvisionOut)
def provision(body: dict[str, Any], pool: str) -> dict[str, Any]:
    """Provision a new scheme in the pool's network and start moving the named pool
    accounts in (the migration run; follow it at ``/schemes/{pool}/wind-up/migration``)."""
    person = current_person()
    permissions.require(person, "pools.manage")
    fields_in = dict(body["scheme"])
    currency = fields_in.pop("currency")
    new, run = provision_from_pool(
        pool,
        scheme={
            **fields_in,
            "currency_code": currency["code"],
            "currency_name": currency["name"],
            "decimals": currency["decimals"],
        },
        handles=body["handles"],
        actor=person,
    )
    return {"scheme": new, "run": progress_out(run, pool)}
