"""Marshmallow schemas for transfers. ``amount`` is loaded raw so the ledger names bad amounts."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform import fields as api_fields
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.ledger.models import CHANNELS, Transfer

AMOUNT_DOC = {
    "type": "string",
    "example": "12.50",
    "description": "decimal string with at most the currency's decimals",
}


class TransferIn(Schema):
    id = api_fields.Id()
    payer = api_fields.HandleRef(required=True)
    payee = api_fields.HandleRef(required=True, metadata={"example": "bob"})
    #: Not ``required``: a missing amount is the ledger's ``amount_invalid``.
    amount = api_fields.Amount(load_default=None)
    memo = fields.Raw(load_default="", metadata={"type": "string"})
    channel = fields.String(load_default="online", validate=validate.OneOf(CHANNELS))


class CorrectionIn(Schema):
    id = api_fields.Id()
    amount = api_fields.Amount(load_default=None)
    memo = fields.String(load_default="")


class TransferListArgs(Schema):
    account = api_fields.HandleRef(load_default=None)
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = fields.String(load_default=None)


class TransferOut(Schema):
    id = fields.String()
    payer = fields.String()
    payee = fields.String()
    amount = fields.String()
    memo = fields.String()
    state = fields.String()
    kind = fields.String()
    channel = fields.String()
    created_at = fields.DateTime()
    posted_at = fields.DateTime(allow_none=True)
    entered_by = fields.String(allow_none=True)
    corrects = fields.String(allow_none=True)
    void_reason = fields.String(allow_none=True)


class TransferPage(Schema):
    items = fields.List(fields.Nested(TransferOut))
    next_cursor = fields.String(allow_none=True)


def transfer_out(scheme: Scheme, t: Transfer) -> dict[str, Any]:
    return {
        "id": str(t.id),
        "payer": t.payer.name,
        "payee": t.payee.name,
        "amount": format_amount(t.amount, scheme.currency_decimals),
        "memo": t.memo,
        "state": t.state,
        "kind": t.kind,
        "channel": t.channel,
        "created_at": t.created_at,
        "posted_at": t.posted_at,
        "entered_by": t.entered_by.email if t.entered_by else None,
        "corrects": str(t.corrects_id) if t.corrects_id else None,
        "void_reason": t.void_reason,
    }
