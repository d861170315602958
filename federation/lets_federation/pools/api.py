"""REST handlers for regional pools: anyone signed in lists them; the national body makes one."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from lets_federation.pools import operations as ops
from lets_platform import permissions
from lets_platform.api import API_PREFIX
from lets_platform.auth import current_person
from lets_platform.tenancy.schemas import SchemeOut

blp = Blueprint("pools", __name__, url_prefix=API_PREFIX + "/pools", description="Regional pools")


class PoolIn(Schema):
    network = fields.String(required=True, metadata={"description": "the network's slug"})


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
