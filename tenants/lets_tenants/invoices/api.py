"""REST handlers for invoices: send, list, read, and accept / decline / cancel."""

from __future__ import annotations

import contextlib
from typing import Any

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import AccountNotFound, get_account, is_owner, require_use
from lets_tenants.context import scheme_for
from lets_tenants.invoices import operations as ops
from lets_tenants.invoices.models import Invoice
from lets_tenants.invoices.schemas import InvoiceIn, InvoiceListArgs, InvoiceOut, invoice_out
from lets_tenants.membership.operations import membership_of

blp = Blueprint(
    "invoices",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Invoices (payment requests) within a scheme",
)


def _own_account(person: Person, scheme: Scheme) -> str:
    membership = membership_of(person, scheme)
    if membership is None:
        raise permissions.NotPermitted("You have no account here; name the payee.")
    return membership.handle


@blp.route("/invoices", methods=["POST"])
@blp.arguments(InvoiceIn)
@blp.response(201, InvoiceOut)
def send_invoice(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "invoices.send_own")
    sender = body["payee"] or _own_account(person, found)
    with contextlib.suppress(AccountNotFound):  # the operation names it: payee_not_found
        require_use(person, found, get_account(found, sender), "invoices.act_on_behalf")
    invoice = ops.send_invoice(
        found,
        sender=sender,
        payer=body["payer"],
        amount=body["amount"],
        memo=body["memo"],
        actor=person,
    )
    return invoice_out(found, invoice)


@blp.route("/invoices", methods=["GET"])
@blp.arguments(InvoiceListArgs, location="query")
@blp.response(200, InvoiceOut(many=True))
def list_invoices(args: dict[str, Any], scheme: str) -> list[dict[str, Any]]:
    person, found = scheme_for(scheme, "scheme.read")
    account: Account | None = None
    if args["account"]:
        account = get_account(found, args["account"])
        require_use(person, found, account, "invoices.act_on_behalf")
    elif not permissions.can(person, "invoices.act_on_behalf", found.id):
        account = get_account(found, _own_account(person, found))
    return [
        invoice_out(found, i)
        for i in ops.list_invoices(found, account=account, state=args["state"])
    ]


def _visible(person: Person, scheme: Scheme, invoice_id: str) -> Invoice:
    invoice = ops.get_invoice(scheme, invoice_id)
    if permissions.can(person, "invoices.act_on_behalf", scheme.id):
        return invoice
    if is_owner(person, invoice.payer) or is_owner(person, invoice.sender):
        return invoice
    raise ops.InvoiceNotFound(f"There is no invoice {invoice_id} you can see.")


@blp.route("/invoices/<invoice_id>", methods=["GET"])
@blp.response(200, InvoiceOut)
def get_invoice(scheme: str, invoice_id: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "scheme.read")
    return invoice_out(found, _visible(person, found, invoice_id))


def _decide(scheme: str, invoice_id: str, side: str, decision: Any) -> dict[str, Any]:
    person, found = scheme_for(scheme, "scheme.read")
    invoice = _visible(person, found, invoice_id)
    require_use(person, found, getattr(invoice, side), "invoices.act_on_behalf")
    return invoice_out(found, decision(found, invoice_id, actor=person))


@blp.route("/invoices/<invoice_id>/accept", methods=["POST"])
@blp.response(200, InvoiceOut)
def accept_invoice(scheme: str, invoice_id: str) -> dict[str, Any]:
    """The payer accepts: the payment is made now, under the usual limits."""
    return _decide(scheme, invoice_id, "payer", ops.accept_invoice)


@blp.route("/invoices/<invoice_id>/decline", methods=["POST"])
@blp.response(200, InvoiceOut)
def decline_invoice(scheme: str, invoice_id: str) -> dict[str, Any]:
    return _decide(scheme, invoice_id, "payer", ops.decline_invoice)


@blp.route("/invoices/<invoice_id>/cancel", methods=["POST"])
@blp.response(200, InvoiceOut)
def cancel_invoice(scheme: str, invoice_id: str) -> dict[str, Any]:
    """The sender withdraws an open invoice."""
    return _decide(scheme, invoice_id, "sender", ops.cancel_invoice)
