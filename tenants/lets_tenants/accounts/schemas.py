"""Marshmallow schemas for accounts; amounts are decimal strings in the scheme's currency."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform import fields as api_fields
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account

Amount = fields.String  # documented as decimal strings; parsed by the operations


class AccountOut(Schema):
    name = fields.String()
    address = fields.String(metadata={"description": "scheme/name, unique in the federation"})
    kind = fields.String()
    title = fields.String()
    balance = Amount()
    held = Amount()
    available = Amount()
    min_balance = Amount()
    max_balance = Amount(allow_none=True)
    status = fields.String()
    currency = fields.String()


class CentralAccountIn(Schema):
    name = api_fields.Handle(required=True, metadata={"example": "admin-fund"})
    title = fields.String(load_default="", validate=validate.Length(max=120))
    min_balance = api_fields.SignedAmount(load_default="0")
    max_balance = api_fields.SignedAmount(load_default=None, allow_none=True)


class AccountPatch(Schema):
    min_balance = api_fields.SignedAmount()
    max_balance = api_fields.SignedAmount(allow_none=True, metadata={"example": "500.00"})
    status = fields.String(validate=validate.OneOf(["active", "suspended", "closed"]))


def account_out(scheme: Scheme, account: Account) -> dict[str, Any]:
    d = scheme.currency_decimals
    return {
        "name": account.name,
        "address": f"{scheme.slug}/{account.name}",
        "kind": account.kind,
        "title": account.title,
        "balance": format_amount(account.balance, d),
        "held": format_amount(account.held, d),
        "available": format_amount(max(account.available, 0), d),
        "min_balance": format_amount(account.min_balance, d),
        "max_balance": None
        if account.max_balance is None
        else format_amount(account.max_balance, d),
        "status": account.status,
        "currency": scheme.currency_code,
    }
