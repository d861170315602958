"""REST handlers for exchange rates: everyone signed in reads them; the national body sets them."""

from __future__ import annotations

from typing import Any

from lets_federation.context import federation_caller
from lets_federation.rates import operations as ops
from lets_federation.schemas import RateChangeOut, RateIn, RateOut, rate_change_out, rate_out
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme

blp = Blueprint(
    "federation_rates",
    __name__,
    url_prefix=API_PREFIX + "/federation/rates",
    description="Exchange rates of each scheme's currency to the federation unit",
)


@blp.route("", methods=["GET"])
@blp.response(200, RateOut(many=True))
def list_rates() -> list[dict[str, Any]]:
    """Every scheme's current rate: units of its currency per federation unit."""
    federation_caller()
    return [rate_out(scheme) for scheme in ops.current_rates()]


@blp.route("/<scheme>", methods=["PUT"])
@blp.arguments(RateIn)
@blp.response(200, RateOut)
def set_rate(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """The national administrator sets a scheme's rate ("10", "12.5", "25/2")."""
    person = federation_caller()
    change = ops.set_rate(scheme, body["rate"], actor=person)
    found = db.session.get_one(Scheme, change.scheme_id)
    return {**rate_out(found), "set_at": change.set_at}


@blp.route("/<scheme>/history", methods=["GET"])
@blp.response(200, RateChangeOut(many=True))
def rate_history(scheme: str) -> list[dict[str, Any]]:
    """A scheme's rates, oldest first, with who set each."""
    federation_caller()
    return [
        rate_change_out(change, _email(change.set_by_id)) for change in ops.rate_history(scheme)
    ]


def _email(person_id: int | None) -> str | None:
    return None if person_id is None else db.session.get_one(Person, person_id).email
