"""REST handlers for inter-scheme trades: start one, read one, list them."""

from __future__ import annotations

from typing import Any

from flask import request

from lets_federation.context import federation_caller
from lets_federation.schemas import TradeIn, TradeListArgs, TradeOut, trade_out
from lets_federation.trades import operations as ops
from lets_federation.trades.models import Trade
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.audit.operations import record
from lets_platform.identity.models import Person
from lets_tenants.accounts.operations import is_owner

blp = Blueprint(
    "federation_trades",
    __name__,
    url_prefix=API_PREFIX + "/federation/trades",
    description="Trades between members of different schemes",
)


@blp.route("", methods=["POST"])
@blp.arguments(TradeIn)
@blp.response(202, TradeOut)
@blp.alt_response(200, schema=TradeOut, description="A replay: the original trade")
def create_trade(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Pay a member of another scheme (``payer``/``payee`` as ``scheme/handle``).

    The amount is exact in the currency ``currency`` names (``payer`` or ``payee``); the
    payer's leg holds it now and a job clears the trade: poll it until ``cleared``, or
    ``rejected``/``expired`` with a ``reason``.
    """
    person = federation_caller()
    trade_id = body["id"] or _idempotency_id(person)
    started = ops.start_trade(
        person,
        payer=body["payer"],
        payee=body["payee"],
        amount=body["amount"],
        currency=body["currency"],
        memo=body["memo"],
        trade_id=trade_id,
    )
    trade = started.trade
    if started.created and not is_owner(person, trade.payer_account):
        record(
            "federation.trade_on_behalf",
            f"trade:{trade.id}",
            actor_id=person.id,
            scheme_id=trade.payer_scheme_id,
            payer=trade.payer,
        )
    return trade_out(trade), 202 if started.created else 200


def _idempotency_id(person: Person) -> Any:
    key = request.headers.get("Idempotency-Key")
    return ops.id_from_idempotency_key(person, key) if key else None


@blp.route("/<trade_id>", methods=["GET"])
@blp.response(200, TradeOut)
def get_trade(trade_id: str) -> dict[str, Any]:
    """The payer, the payee, their schemes' organisers and the national body may read it."""
    person = federation_caller()
    return trade_out(ops.get_trade(person, trade_id))


@blp.route("", methods=["GET"])
@blp.arguments(TradeListArgs, location="query")
@blp.response(200, TradeOut(many=True))
def list_trades(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Newest first: one's own trades, or with ``scheme`` all of a scheme's (its organisers)."""
    person = federation_caller()
    trades: list[Trade] = ops.list_trades(person, **args)
    return [trade_out(t) for t in trades]
