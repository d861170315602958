"""Invoices between schemes, as their payer sees them: the amount asked in the sender's
currency and what it costs in theirs at today's rates; pay (a trade for exactly the
amount asked) or decline."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

from lets_federation.invoices import operations as invoices
from lets_platform import web
from lets_platform.errors import LetsError
from lets_platform.tenancy import scope
from lets_platform.web.forms import plain
from lets_tenants.accounts.operations import is_owner
from lets_tenants.pages.views import my_account

bp = Blueprint("fed_invoices", __name__, template_folder="templates", url_prefix="/s/<scheme>")


def _mine(scheme: str, invoice_id: str) -> tuple[Any, Any, Any, Any]:
    person, found, _, account = my_account(scheme)
    scope.allow_all()  # the invoice's other side is another scheme's row
    invoice = invoices.get_invoice(invoice_id)
    if account.id not in (invoice.payer_account_id, invoice.payee_account_id):
        raise invoices.InvoiceNotFound()
    return person, found, account, invoice


def _page(found: Any, account: Any, invoice: Any, error: str | None = None) -> str:
    paying = invoice.payer_account_id == account.id
    return render_template(
        "fed/invoice.html",
        scheme=found,
        account=account,
        invoice=invoice,
        paying=paying,
        quote=invoices.quote(invoice) if paying and invoice.state == "open" else None,
        trade=invoices.trade_of(invoice),
        error=error,
    )


@bp.route("/invoices-between-schemes/<invoice_id>")
@web.login_required
def detail(scheme: str, invoice_id: str) -> Any:
    _, found, account, invoice = _mine(scheme, invoice_id)
    return _page(found, account, invoice)


@bp.route("/invoices-between-schemes/<invoice_id>/<decision>", methods=["POST"])
@web.login_required
def decide(scheme: str, invoice_id: str, decision: str) -> Any:
    """Pay or decline (the payer), cancel (the sender); a second press finds it decided."""
    person, found, account, invoice = _mine(scheme, invoice_id)
    act = {
        "accept": invoices.accept_invoice,
        "decline": invoices.decline_invoice,
        "cancel": invoices.cancel_invoice,
    }.get(decision)
    side = invoice.payee if decision == "cancel" else invoice.payer
    if act is None or not is_owner(person, side):
        raise invoices.InvoiceNotFound()
    try:
        act(invoice_id, actor=person)
    except LetsError as error:
        if error.code != "invoice_not_open":
            return _page(found, account, invoice, plain(error)), 422
    else:
        flash(
            "Done: " + {"accept": "paid", "decline": "declined"}.get(decision, "cancelled"),
            "success",
        )
    return redirect(url_for("fed_invoices.detail", scheme=found.slug, invoice_id=invoice_id))
