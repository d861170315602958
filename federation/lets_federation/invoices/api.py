"""REST handlers for cross-scheme invoices: send, list, read, accept, decline, cancel.

Who may act follows the schemes' own invoices: the sender (or an organiser of the
payee's scheme) sends and cancels, the payer (or an organiser of the payer's scheme)
accepts and declines. Anyone else is told the invoice does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from lets_federation.context import federation_caller
from lets_federation.invoices import operations as ops
from lets_federation.invoices.models import FederatedInvoice
from lets_federation.invoices.schemas import (
    FederatedInvoiceIn,
    FederatedInvoiceListArgs,
    FederatedInvoiceOut,
    invoice_out,
)
from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.db import db
from lets_platform.errors import PayeeNotFound, PayerNotFound
from lets_platform.identity.models import Person
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import require_use
from lets_tenants.membership.models import Membership

ON_BEHALF = ops.ON_BEHALF

blp = Blueprint(
    "federated_invoices",
    __name__,
    url_prefix=API_PREFIX + "/federation/invoices",
    description="Invoices between members of different schemes",
)


@blp.route("", methods=["POST"])
@blp.arguments(FederatedInvoiceIn)
@blp.response(201, FederatedInvoiceOut)
@blp.alt_response(200, schema=FederatedInvoiceOut, description="A replay: the original invoice")
def send_invoice(body: dict[str, Any]) -> Any:
    """The payee asks the payer for ``amount`` in the payee's currency; a replayed ``id`` -> 200."""
    person = federation_caller()
    payee = ops.resolve(body["payee"], PayeeNotFound)
    permissions.require(person, "invoices.send_own", payee.scheme_id)
    require_use(person, ops.scheme_of(payee.scheme_id), payee, ON_BEHALF)
    invoice, created = ops.send_invoice(
        payer=ops.resolve(body["payer"], PayerNotFound),
        payee=payee,
        amount=body["amount"],
        memo=body["memo"],
        actor=person,
        id=body["id"],
    )
    return invoice_out(invoice), 201 if created else 200


@blp.route("", methods=["GET"])
@blp.arguments(FederatedInvoiceListArgs, location="query")
@blp.response(200, FederatedInvoiceOut(many=True))
def list_invoices(args: dict[str, Any]) -> list[dict[str, Any]]:
    """The caller's invoices in every scheme they belong to, newest first."""
    person = federation_caller()
    accounts = list(
        db.session.scalars(
            select(Account).join(Membership).where(Membership.person_id == person.id)
        )
    )
    found = ops.list_invoices(accounts, role=args["role"], state=args["state"])
    return [invoice_out(i) for i in found]


def _visible(invoice_id: str) -> tuple[Person, FederatedInvoice]:
    person = federation_caller()
    invoice = ops.get_invoice(invoice_id)
    if ops.may_read(person, invoice):
        return person, invoice
    raise ops.InvoiceNotFound(f"There is no invoice {invoice_id} you can see.")


@blp.route("/<invoice_id>", methods=["GET"])
@blp.response(200, FederatedInvoiceOut)
def get_invoice(invoice_id: str) -> dict[str, Any]:
    """The invoice, with what it would cost the payer at today's rates while it is open."""
    return invoice_out(_visible(invoice_id)[1])


def _decide(invoice_id: str, side: str, decision: Callable[..., FederatedInvoice]) -> Any:
    person, invoice = _visible(invoice_id)
    if not ops.may_act(person, invoice, side):
        raise permissions.NotPermitted(f"Only the {side} (or its scheme's organisers) may do this.")
    return invoice_out(decision(invoice_id, actor=person))


@blp.route("/<invoice_id>/accept", methods=["POST"])
@blp.response(200, FederatedInvoiceOut)
def accept_invoice(invoice_id: str) -> Any:
    """The payer accepts: a trade is made (it clears in the background). Repeating is safe."""
    return _decide(invoice_id, "payer", ops.accept_invoice)


@blp.route("/<invoice_id>/decline", methods=["POST"])
@blp.response(200, FederatedInvoiceOut)
def decline_invoice(invoice_id: str) -> Any:
    return _decide(invoice_id, "payer", ops.decline_invoice)


@blp.route("/<invoice_id>/cancel", methods=["POST"])
@blp.response(200, FederatedInvoiceOut)
def cancel_invoice(invoice_id: str) -> Any:
    """The sender withdraws an open invoice."""
    return _decide(invoice_id, "payee", ops.cancel_invoice)
