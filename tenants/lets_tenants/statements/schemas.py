"""Marshmallow schemas for statements."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform.tenancy.models import Scheme
from lets_tenants.statements.operations import Statement


class StatementArgs(Schema):
    start = fields.DateTime(load_default=None, data_key="from")
    end = fields.DateTime(load_default=None, data_key="to")
    format = fields.String(load_default=None, validate=validate.OneOf(["json", "csv"]))


class LineOut(Schema):
    date = fields.DateTime()
    id = fields.String()
    counterparty = fields.String()
    memo = fields.String()
    kind = fields.String()
    channel = fields.String()
    amount = fields.String(metadata={"description": "signed: negative is money out"})
    balance = fields.String()


class StatementOut(Schema):
    account = fields.String()
    currency = fields.String()
    opening_balance = fields.String()
    closing_balance = fields.String()
    lines = fields.List(fields.Nested(LineOut))


def statement_out(scheme: Scheme, stmt: Statement) -> dict[str, Any]:
    fmt = scheme.currency.format
    return {
        "account": f"{scheme.slug}/{stmt.account.name}",
        "currency": scheme.currency_code,
        "opening_balance": fmt(stmt.opening_balance),
        "closing_balance": fmt(stmt.closing_balance),
        "lines": [
            {**line.__dict__, "amount": fmt(line.amount), "balance": fmt(line.balance)}
            for line in stmt.lines
        ],
    }
