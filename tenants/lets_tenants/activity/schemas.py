"""Marshmallow schemas for a scheme's activity; volumes are decimal strings of its currency."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform.tenancy.models import Scheme
from lets_tenants.activity.operations import MAX_MONTHS, Month


class ActivityArgs(Schema):
    months = fields.Integer(
        load_default=12,
        validate=validate.Range(1, MAX_MONTHS),
        metadata={"description": "how many calendar months, ending with this one"},
    )


class MonthOut(Schema):
    month = fields.String(metadata={"example": "2026-03"})
    trades = fields.Integer()
    volume = fields.String(metadata={"description": "what the trades moved, less corrections"})
    active_traders = fields.Integer(metadata={"description": "members who paid or received"})


class ActivityOut(Schema):
    scheme = fields.String()
    currency = fields.String()
    months = fields.List(fields.Nested(MonthOut))


def activity_out(scheme: Scheme, months: list[Month]) -> dict[str, Any]:
    fmt = scheme.currency.format
    return {
        "scheme": scheme.slug,
        "currency": scheme.currency_code,
        "months": [{**m.__dict__, "volume": fmt(m.volume)} for m in months],
    }
