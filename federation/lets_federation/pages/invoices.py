"""Invoices between schemes, as their payer sees them: the amount asked in the sender's
currency and what it costs in theirs at today's rates; pay (a trade for exactly the
amount asked) or decline."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length

from lets_federation.invoices import operations as invoices
from lets_platform import web
from lets_platform.errors import LetsError, PayerNotFound
from lets_platform.tenancy import scope
from lets_platform.web.forms import AmountField, plain
from lets_tenants.accounts.operations import is_owner
from lets_tenants.pages.forms import WORDS as MEMBER_WORDS
from lets_tenants.pages.views import my_account

bp = Blueprint("fed_invoices", __name__, template_folder="templates", url_prefix="/s/<scheme>")


class AskForm(FlaskForm):
    payee = StringField(
        "Who should pay you?",
        validators=[InputRequired("Enter their scheme and handle, like bright/bob")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    amount = AmountField(validators=[InputRequired("Enter the amount")])
    memo = StringField(
        "What is it for?",
        validators=[
            InputRequired("Say what the payment is for"),
            Length(max=500, message="Write at most 500 characters"),
        ],
    )
    id = HiddenField(default=lambda: str(uuid.uuid4()))


#: Which field a named error of sending belongs beside; the operation's own words name
#: a missing scheme or member.
FIELDS = {
    "validation_failed": "payee",
    "payer_not_found": "payee",
    "use_scheme_transfer": "payee",
    "account_closed": "payee",
    "account_suspended": "payee",
    "account_not_manageable": "payee",
    "amount_invalid": "amount",
    "amount_must_be_positive": "amount",
    "amount_too_large": "amount",
    "amount_too_small": "amount",
}
OWN_WORDS = {
    "payer_not_found": "{detail}",
    "validation_failed": "Write scheme/handle, like bright/bob",
}


@bp.route("/invoices-between-schemes/new", methods=["GET", "POST"])
@web.login_required
def new(scheme: str) -> Any:
    """Ask a member of another scheme to pay, in this scheme's currency; the form's id
    makes a resent form send one invoice."""
    person, found, membership, account = my_account(scheme, "invoices.send_own")
    form = AskForm() if request.method == "POST" else AskForm(formdata=request.args or None)
    if request.method == "POST" and form.validate():
        scope.allow_all()
        try:
            invoices.send_invoice(
                payer=invoices.resolve((form.payee.data or "").strip(), PayerNotFound),
                payee=account,
                amount=form.amount.data,
                memo=form.memo.data or "",
                actor=person,
                id=form.id.data or None,
            )
        except LetsError as error:
            web.refuse(form, error, FIELDS, OWN_WORDS)
        else:
            flash(f"Invoice sent to {form.payee.data}.", "success")
            return redirect(url_for("member.dashboard", scheme=found.slug))
    page = render_template("fed/invoice_new.html", scheme=found, form=form)
    return page, (422 if request.method == "POST" else 200)


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
            return _page(found, account, invoice, plain(error, MEMBER_WORDS)), 422
    else:
        flash(
            "Done: " + {"accept": "paid", "decline": "declined"}.get(decision, "cancelled"),
            "success",
        )
    return redirect(url_for("fed_invoices.detail", scheme=found.slug, invoice_id=invoice_id))
