"""Marshmallow schemas for invoices."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform import fields as api_fields
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.invoices.models import INVOICE_STATES, Invoice


class InvoiceIn(Schema):
    payer = api_fields.HandleRef(required=True, metadata={"description": "who is asked to pay"})
    payee = api_fields.HandleRef(
        load_default=None,
        metadata={"description": "who is to be paid; default: your account", "example": "bob"},
    )
    #: Not ``required``: a missing amount is the ledger's ``amount_invalid``.
    amount = api_fields.Amount(load_default=None)
    memo = fields.Raw(load_default="", metadata={"type": "string"})


class InvoiceListArgs(Schema):
    account = api_fields.HandleRef(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(INVOICE_STATES))


class InvoiceOut(Schema):
    id = fields.String()
    payer = fields.String()
    payee = fields.String()
    amount = fields.String()
    memo = fields.String()
    state = fields.String()
    transfer = fields.String(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


def invoice_out(scheme: Scheme, invoice: Invoice) -> dict[str, Any]:
    return {
        "id": str(invoice.id),
        "payer": invoice.payer.name,
        "payee": invoice.sender.name,
        "amount": format_amount(invoice.amount, scheme.currency_decimals),
        "memo": invoice.memo,
        "state": invoice.state,
        "transfer": str(invoice.transfer_id) if invoice.transfer_id else None,
        "created_at": invoice.created_at,
        "decided_at": invoice.decided_at,
    }
