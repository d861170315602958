"""Paying a member of another scheme: ``scheme/handle`` and an amount, a confirmation page
with the amount converted at today's rates (``quote_trade``: nothing is held yet), then
the trade. The form's hidden ``id`` is the trade's id: a double press or a resent form
starts one trade."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from lets_federation.trades import operations as trades
from lets_platform import web
from lets_platform.errors import LetsError
from lets_platform.tenancy import scope
from lets_platform.web.forms import AmountField
from lets_tenants.pages.forms import WORDS as MEMBER_WORDS
from lets_tenants.pages.views import my_account

bp = Blueprint("fed_pay", __name__, template_folder="templates", url_prefix="/s/<scheme>")

#: The member's own words for the refusals of paying another scheme.
WORDS = {
    "use_scheme_transfer": "They are in your own scheme: pay them with their handle alone",
    "amount_too_small": "The amount is too small to convert between the two currencies",
    "exceeds_federation_limit": "Your scheme cannot trade this much with other schemes now",
}
#: Between schemes the operation's own words name what is missing (the scheme or the member).
OWN_WORDS = {
    **MEMBER_WORDS,
    **WORDS,
    "payee_not_found": "{detail}",
    "validation_failed": "Write scheme/handle, like bright/bob",
}
FIELDS = {
    "validation_failed": "payee",
    "payee_not_found": "payee",
    "use_scheme_transfer": "payee",
    "account_closed": "payee",
    "account_suspended": "payee",
    "account_not_manageable": "payee",
    "amount_invalid": "amount",
    "amount_must_be_positive": "amount",
    "amount_too_large": "amount",
    "amount_too_small": "amount",
    "exceeds_credit_limit": "amount",
    "exceeds_wind_up_limit": "amount",
}


class ElsewhereForm(FlaskForm):
    payee = StringField(
        "Who are you paying?",
        validators=[InputRequired("Enter their scheme and handle, like bright/bob")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    amount = AmountField(validators=[InputRequired("Enter the amount")])
    currency = RadioField(
        "The amount is in",
        choices=[SelectChoice("payer", "your currency"), SelectChoice("payee", "their currency")],
        default="payer",
        validators=[InputRequired("Choose the currency of the amount")],
    )
    memo = StringField(
        "What is it for? (optional)",
        validators=[Optional(), Length(max=500, message="Write at most 500 characters")],
    )
    id = HiddenField(default=lambda: str(uuid.uuid4()))


def _label_currencies(form: ElsewhereForm, scheme: Any) -> None:
    form.currency.choices = [
        SelectChoice("payer", f"your currency, {scheme.currency_name}"),
        SelectChoice("payee", "their scheme's currency"),
    ]


def _form_page(scheme: Any, form: ElsewhereForm, account: Any, status: int = 200) -> Any:
    _label_currencies(form, scheme)
    page = render_template("fed/pay.html", scheme=scheme, form=form, account=account)
    return page, status


@bp.route("/pay-elsewhere", methods=["GET"])
@web.login_required
def form(scheme: str) -> Any:
    _, found, _, account = my_account(scheme, "federation.trade_own")
    filled = ElsewhereForm(formdata=request.args if request.args else None)
    return _form_page(found, filled, account)


@bp.route("/pay-elsewhere", methods=["POST"])
@web.login_required
def check(scheme: str) -> Any:
    """The confirmation page: both amounts at today's rates; nothing moves yet."""
    person, found, membership, account = my_account(scheme, "federation.trade_own")
    filled = ElsewhereForm()
    _label_currencies(filled, found)
    if not filled.validate():
        return _form_page(found, filled, account, 422)
    scope.allow_all()  # between schemes, as the federation's API
    try:
        preview = trades.quote_trade(
            person,
            payer=f"{found.slug}/{membership.handle}",
            payee=(filled.payee.data or "").strip(),
            amount=filled.amount.data,
            currency=filled.currency.data or "payer",
            memo=filled.memo.data or "",
        )
    except LetsError as error:
        web.refuse(filled, error, FIELDS, OWN_WORDS)
        return _form_page(found, filled, account, 422)
    return render_template(
        "fed/pay_check.html", scheme=found, form=filled, preview=preview, account=account
    )


@bp.route("/pay-elsewhere/confirm", methods=["POST"])
@web.login_required
def confirm(scheme: str) -> Any:
    person, found, membership, account = my_account(scheme, "federation.trade_own")
    filled = ElsewhereForm()
    _label_currencies(filled, found)
    if not filled.validate():
        return _form_page(found, filled, account, 422)
    scope.allow_all()
    try:
        started = trades.start_trade(
            person,
            payer=f"{found.slug}/{membership.handle}",
            payee=(filled.payee.data or "").strip(),
            amount=filled.amount.data,
            currency=filled.currency.data or "payer",
            memo=filled.memo.data or "",
            trade_id=filled.id.data or None,
        )
    except LetsError as error:
        if "available" in error.extra:
            error.extra["available"] = f"{error.extra['available']} {found.currency_name}"
        web.refuse(filled, error, FIELDS, OWN_WORDS)
        return _form_page(found, filled, account, 422)
    return redirect(url_for("fed_trades.detail", scheme=found.slug, trade_id=started.trade.id))
