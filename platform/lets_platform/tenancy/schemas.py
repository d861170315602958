"""Marshmallow schemas for networks and schemes."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform import fields as api_fields
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import format_rate


class CurrencyIn(Schema):
    code = api_fields.CurrencyCode(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=40))
    decimals = fields.Integer(load_default=2, strict=True, validate=validate.Range(0, 4))


class SchemeIn(Schema):
    slug = api_fields.Slug(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=160))
    network = api_fields.SlugRef(load_default=None, metadata={"example": "south-west"})
    currency = fields.Nested(CurrencyIn, required=True)
    rate = api_fields.Rate(load_default="1")
    default_min_balance = api_fields.SignedAmount(load_default="0")
    default_max_balance = api_fields.SignedAmount(load_default=None, metadata={"example": "500.00"})
    constitution = fields.String(
        load_default=None,
        metadata={"description": "template: wiltshire, bright, london or model (default)"},
    )


class NetworkIn(Schema):
    slug = api_fields.Slug(required=True, metadata={"example": "south-west"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


class NetworkOut(Schema):
    slug = fields.String()
    name = fields.String()


class SchemeOut(Schema):
    slug = fields.String()
    name = fields.String()
    status = fields.String()
    kind = fields.String()
    network = fields.Method("_network")
    currency = fields.Method("_currency")
    rate = fields.Method("_rate")
    default_min_balance = fields.Method("_floor")
    default_max_balance = fields.Method("_ceiling")

    def _network(self, scheme: Scheme) -> str | None:
        return scheme.network.slug if scheme.network else None

    def _currency(self, scheme: Scheme) -> dict[str, Any]:
        return {
            "code": scheme.currency_code,
            "name": scheme.currency_name,
            "decimals": scheme.currency_decimals,
        }

    def _rate(self, scheme: Scheme) -> str:
        return format_rate(scheme.rate_num, scheme.rate_den)

    def _floor(self, scheme: Scheme) -> str:
        return format_amount(scheme.default_min_balance, scheme.currency_decimals)

    def _ceiling(self, scheme: Scheme) -> str | None:
        if scheme.default_max_balance is None:
            return None
        return format_amount(scheme.default_max_balance, scheme.currency_decimals)


class OrganiserIn(Schema):
    email = api_fields.Email(required=True)


class OrganiserOut(Schema):
    email = fields.String()
    network = fields.String()
