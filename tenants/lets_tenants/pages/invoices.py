"""Invoices in the scheme: ask someone to pay, and pay or decline what one is asked."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from lets_platform import web
from lets_platform.errors import LetsError
from lets_platform.web.forms import plain
from lets_tenants.accounts.operations import is_owner
from lets_tenants.invoices import operations as invoices
from lets_tenants.invoices.models import Invoice
from lets_tenants.pages.finding import find_member
from lets_tenants.pages.forms import FIELDS, WORDS, InvoiceForm
from lets_tenants.pages.views import my_account

bp = Blueprint("invoices_pages", __name__, template_folder="templates", url_prefix="/s/<scheme>")

#: An area that invoices members of other schemes registers its endpoint here (it takes
#: ``scheme`` and the form's fields as query values): ``scheme/handle`` goes there.
INVOICE_ELSEWHERE = "lets_invoice_elsewhere"


@bp.route("/invoices")
@web.login_required
def index(scheme: str) -> Any:
    _, found, _, account = my_account(scheme)
    mine = invoices.list_invoices(found, account=account)
    return render_template(
        "member/invoices.html",
        scheme=found,
        account=account,
        to_pay=[i for i in mine if i.payer_id == account.id and i.state == "open"],
        sent=[i for i in mine if i.sender_id == account.id and i.state == "open"],
        closed=[i for i in mine if i.state != "open"][:50],
    )


@bp.route("/invoices/new", methods=["GET", "POST"])
@web.login_required
def new(scheme: str) -> Any:
    person, found, membership, account = my_account(scheme, "invoices.send_own")
    form = InvoiceForm()
    matches: list[Any] = []
    if form.validate_on_submit():
        typed = (form.payee.data or "").strip()
        elsewhere = current_app.extensions.get(INVOICE_ELSEWHERE)
        if "/" in typed and not typed.startswith(found.slug + "/") and elsewhere:
            values = {"payee": typed, "amount": form.amount.data, "memo": form.memo.data}
            return redirect(url_for(elsewhere, scheme=found.slug, **values))
        typed = typed.removeprefix(found.slug + "/")
        payer = find_member(found, typed, not_handle=membership.handle)
        matches = payer.matches if payer.account is None else []
        if payer.account is None:
            form.payee.errors = [
                f"{len(matches)} members match “{typed}”: write their handle"
                if matches
                else f"No member of {found.name} is called “{typed}”"
            ]
        else:
            try:
                invoices.send_invoice(
                    found,
                    sender=membership.handle,
                    payer=payer.account.name,
                    amount=form.amount.data,
                    memo=form.memo.data or "",
                    actor=person,
                )
            except LetsError as error:
                web.refuse(form, error, FIELDS, WORDS)
            else:
                flash(f"Invoice sent to {payer.account.title}.", "success")
                return redirect(url_for("invoices_pages.index", scheme=found.slug))
    status = 422 if form.is_submitted() else 200
    page = render_template(
        "member/invoice_new.html", scheme=found, form=form, matches=matches, account=account
    )
    return page, status


def _mine(scheme: str, invoice_id: str) -> tuple[Any, Any, Invoice]:
    person, found, _, _ = my_account(scheme)
    invoice = invoices.get_invoice(found, invoice_id)
    if not (is_owner(person, invoice.payer) or is_owner(person, invoice.sender)):
        raise invoices.InvoiceNotFound()
    return person, found, invoice


@bp.route("/invoices/<invoice_id>")
@web.login_required
def detail(scheme: str, invoice_id: str) -> Any:
    person, found, invoice = _mine(scheme, invoice_id)
    return render_template(
        "member/invoice.html",
        scheme=found,
        invoice=invoice,
        paying=is_owner(person, invoice.payer),
        account=invoice.payer if is_owner(person, invoice.payer) else invoice.sender,
        error=None,
    )


@bp.route("/invoices/<invoice_id>/<decision>", methods=["POST"])
@web.login_required
def decide(scheme: str, invoice_id: str, decision: str) -> Any:
    """Pay (accept), decline, or (the sender) cancel; a second press finds it decided."""
    person, found, invoice = _mine(scheme, invoice_id)
    side, act, said = {
        "accept": (invoice.payer, invoices.accept_invoice, "Paid"),
        "decline": (invoice.payer, invoices.decline_invoice, "Declined"),
        "cancel": (invoice.sender, invoices.cancel_invoice, "Cancelled"),
    }.get(decision, (None, None, ""))
    if act is None or side is None or not is_owner(person, side):
        raise invoices.InvoiceNotFound()
    try:
        act(found, invoice_id, actor=person)
    except LetsError as error:
        if error.code != "invoice_not_open":
            page = render_template(
                "member/invoice.html",
                scheme=found,
                invoice=invoice,
                paying=is_owner(person, invoice.payer),
                account=side,
                error=plain(error, WORDS),
            )
            return page, 422
    else:
        flash(f"{said}: {invoice.memo or 'the invoice'}.", "success")
    return redirect(url_for("invoices_pages.detail", scheme=found.slug, invoice_id=invoice_id))
