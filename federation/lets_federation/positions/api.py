"""REST handlers for the federation ledger: positions, scheme limits and pair limits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lets_federation.context import federation_caller
from lets_federation.positions import operations as ops
from lets_federation.schemas import (
    LimitsIn,
    PairLimitIn,
    PairOut,
    PositionOut,
    pair_out,
    position_out,
)
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme

blp = Blueprint(
    "federation_positions",
    __name__,
    url_prefix=API_PREFIX + "/federation",
    description="Positions of the schemes in federation units, and their limits",
)


@blp.route("/positions", methods=["GET"])
@blp.response(200, PositionOut(many=True))
def list_positions() -> list[dict[str, Any]]:
    """Each scheme's position (what the federation owes it; negative: a deficit); they sum
    to zero."""
    federation_caller()
    return [position_out(scheme, position) for scheme, position in ops.list_positions()]


@blp.route("/limits/<scheme>", methods=["PUT"])
@blp.arguments(LimitsIn)
@blp.response(200, PositionOut)
def set_limits(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """The national body sets a scheme's maximum deficit and surplus (null: no limit)."""
    person = federation_caller()
    position = ops.set_limits(scheme, actor=person, **body)
    return position_out(get_scheme(scheme), position)


@blp.route("/pairs", methods=["GET"])
@blp.response(200, PairOut(many=True))
def list_pairs() -> list[dict[str, Any]]:
    """Net flow between each pair of schemes that traded, and the pair's limit."""
    federation_caller()
    return [pair_out(pair, _slugs()) for pair in ops.list_pairs()]


@blp.route("/pairs/<first>/<second>", methods=["PUT"])
@blp.arguments(PairLimitIn)
@blp.response(200, PairOut)
def set_pair_limit(body: dict[str, Any], first: str, second: str) -> dict[str, Any]:
    """The national body limits the net flow between two schemes, either way."""
    person = federation_caller()
    pair = ops.set_pair_limit(first, second, actor=person, **body)
    return pair_out(pair, _slugs())


def _slugs() -> dict[int, str]:
    return {sid: slug for sid, slug in db.session.execute(select(Scheme.id, Scheme.slug))}
