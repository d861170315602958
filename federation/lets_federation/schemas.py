"""Marshmallow schemas for rates, trades, positions and limits, and the functions that dump them.

Amounts in a scheme's currency are decimal strings with its decimals; federation amounts
are decimal strings with 6 decimals (micro units); rates are exact strings ("10", "25/2").
Amounts and rates are loaded raw so the operations name bad ones (``amount_invalid``,
``rate_invalid``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from marshmallow import Schema, fields, validate

from lets_federation.positions.models import PairFlow, Position
from lets_federation.rates.models import RateChange
from lets_federation.trades.models import TRADE_STATES, Trade
from lets_federation.units import format_fed, format_rate
from lets_platform import fields as api_fields
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme

FED_DOC = {"type": "string", "example": "12.500000", "description": "federation units, 6 decimals"}
RAW_STRING = {"type": "string"}


class RateIn(Schema):
    rate = api_fields.Rate(required=True)


class RateOut(Schema):
    scheme = fields.String()
    currency = fields.String()
    rate = fields.String(metadata={"description": "units of the currency per federation unit"})
    set_at = fields.DateTime(allow_none=True)


class RateChangeOut(Schema):
    rate = fields.String()
    set_at = fields.DateTime()
    set_by = fields.String(allow_none=True)


class TradeIn(Schema):
    id = api_fields.Id()
    payer = api_fields.Address(required=True)
    payee = api_fields.Address(required=True, metadata={"example": "bright/bob"})
    amount = api_fields.Amount(load_default=None)
    currency = fields.Raw(load_default="payer", metadata={"enum": ["payer", "payee"]})
    memo = fields.Raw(load_default="", metadata=RAW_STRING)


class TradeListArgs(Schema):
    scheme = api_fields.SlugRef(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(TRADE_STATES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))


class TradeOut(Schema):
    id = fields.String()
    state = fields.String()
    reason = fields.String(allow_none=True)
    reason_detail = fields.String(allow_none=True)
    payer = fields.String()
    payee = fields.String()
    currency = fields.String()
    payer_amount = fields.String()
    payer_currency = fields.String()
    payee_amount = fields.String()
    payee_currency = fields.String()
    fed_amount = fields.String(metadata=FED_DOC)
    rates = fields.Dict(keys=fields.String(), values=fields.String())
    memo = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class LimitsIn(Schema):
    max_deficit = api_fields.FedAmount(load_default=None, allow_none=True)
    max_surplus = api_fields.FedAmount(load_default=None, allow_none=True)


class PairLimitIn(Schema):
    max_net_flow = api_fields.FedAmount(load_default=None, allow_none=True)


class PositionOut(Schema):
    scheme = fields.String()
    position = fields.String(metadata=FED_DOC)
    max_deficit = fields.String(allow_none=True, metadata=FED_DOC)
    max_surplus = fields.String(allow_none=True, metadata=FED_DOC)


class PairOut(Schema):
    schemes = fields.List(fields.String())
    net_flow = fields.String(metadata={**FED_DOC, "description": "first paid second, net"})
    max_net_flow = fields.String(allow_none=True, metadata=FED_DOC)


def _fed_or_none(value: int | None) -> str | None:
    return None if value is None else format_fed(value)


def rate_out(scheme: Scheme) -> dict[str, Any]:
    return {
        "scheme": scheme.slug,
        "currency": scheme.currency_code,
        "rate": format_rate(Fraction(scheme.rate_num, scheme.rate_den)),
    }


def rate_change_out(change: RateChange, set_by: str | None) -> dict[str, Any]:
    return {"rate": format_rate(change.rate), "set_at": change.set_at, "set_by": set_by}


def trade_out(trade: Trade) -> dict[str, Any]:
    payer, payee = trade.payer_scheme, trade.payee_scheme
    return {
        "id": str(trade.id),
        "state": trade.state,
        "reason": trade.reason,
        "reason_detail": trade.reason_detail,
        "payer": trade.payer,
        "payee": trade.payee,
        "currency": trade.currency,
        "payer_amount": format_amount(trade.payer_amount, payer.currency_decimals),
        "payer_currency": payer.currency_code,
        "payee_amount": format_amount(trade.payee_amount, payee.currency_decimals),
        "payee_currency": payee.currency_code,
        "fed_amount": format_fed(trade.fed_amount),
        "rates": {"payer": format_rate(trade.payer_rate), "payee": format_rate(trade.payee_rate)},
        "memo": trade.memo,
        "created_at": trade.created_at,
        "expires_at": trade.expires_at,
        "decided_at": trade.decided_at,
    }


def position_out(scheme: Scheme, position: Position) -> dict[str, Any]:
    return {
        "scheme": scheme.slug,
        "position": format_fed(position.position or 0),
        "max_deficit": _fed_or_none(position.max_deficit),
        "max_surplus": _fed_or_none(position.max_surplus),
    }


def pair_out(pair: PairFlow, slugs: dict[int, str]) -> dict[str, Any]:
    return {
        "schemes": [slugs[pair.scheme_a_id], slugs[pair.scheme_b_id]],
        "net_flow": format_fed(pair.net_flow),
        "max_net_flow": _fed_or_none(pair.max_net_flow),
    }
