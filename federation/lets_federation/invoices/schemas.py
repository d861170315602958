"""Marshmallow schemas for cross-scheme invoices; amounts are decimal strings."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_federation.invoices import operations as ops
from lets_federation.invoices.models import FEDERATED_INVOICE_STATES, FederatedInvoice
from lets_platform import fields as api_fields
from lets_platform.errors import LetsError
from lets_platform.money import format_amount

AMOUNT_DOC = {
    "type": "string",
    "example": "12.00",
    "description": "decimal string in the payee's (the sender's) currency",
}


class FederatedInvoiceIn(Schema):
    id = api_fields.Id()
    payer = api_fields.Address(required=True, metadata={"description": "who pays: scheme/handle"})
    payee = api_fields.Address(
        required=True,
        metadata={"description": "who is paid: scheme/handle", "example": "bright/bob"},
    )
    #: Not ``required``: a missing amount is ``amount_invalid``, as for a transfer.
    amount = api_fields.Amount(load_default=None, metadata=AMOUNT_DOC)
    memo = fields.Raw(load_default="", metadata={"type": "string"})


class FederatedInvoiceListArgs(Schema):
    role = fields.String(
        load_default=None,
        validate=validate.OneOf(("payer", "payee")),
        metadata={"description": "payer: invoices you are asked to pay; payee: those you sent"},
    )
    state = fields.String(load_default=None, validate=validate.OneOf(FEDERATED_INVOICE_STATES))


class FederatedInvoiceOut(Schema):
    id = fields.String()
    payer = fields.String()
    payee = fields.String()
    amount = fields.String(metadata={"description": "in the payee's currency"})
    currency = fields.String(metadata={"description": "the payee's currency code"})
    memo = fields.String()
    state = fields.String()
    payer_currency = fields.String()
    payer_amount_quote = fields.String(
        allow_none=True,
        metadata={"description": "what accepting costs the payer at today's rates (open only)"},
    )
    payer_amount = fields.String(
        allow_none=True, metadata={"description": "what the trade charges the payer (accepted)"}
    )
    trade = fields.String(allow_none=True)
    trade_state = fields.String(allow_none=True)
    trade_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


def _quote(invoice: FederatedInvoice) -> str | None:
    if invoice.state != "open":
        return None
    try:
        minor = ops.quote(invoice).payer_amount
    except LetsError:  # no longer convertible at today's rates: accepting will say why
        return None
    return format_amount(minor, invoice.payer_scheme.currency_decimals)


def invoice_out(invoice: FederatedInvoice) -> dict[str, Any]:
    payer_scheme, payee_scheme = invoice.payer_scheme, invoice.payee_scheme
    trade = ops.trade_of(invoice)
    return {
        "id": str(invoice.id),
        "payer": f"{payer_scheme.slug}/{invoice.payer.name}",
        "payee": f"{payee_scheme.slug}/{invoice.payee.name}",
        "amount": format_amount(invoice.amount, payee_scheme.currency_decimals),
        "currency": payee_scheme.currency_code,
        "memo": invoice.memo,
        "state": invoice.state,
        "payer_currency": payer_scheme.currency_code,
        "payer_amount_quote": _quote(invoice),
        "payer_amount": (
            format_amount(trade.payer_amount, payer_scheme.currency_decimals) if trade else None
        ),
        "trade": str(trade.id) if trade else None,
        "trade_state": trade.state if trade else None,
        "trade_reason": trade.reason if trade else None,
        "created_at": invoice.created_at,
        "decided_at": invoice.decided_at,
    }
