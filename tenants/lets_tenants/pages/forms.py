"""The member's forms: paying, asking for payment, a statement's dates."""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional

from lets_platform.web.forms import AmountField

#: The member's own words for the refusals of paying and invoicing (passed to
#: ``web.refuse``; ``web.forms.MESSAGES`` keeps the words every area shares).
WORDS = {
    "accounts_must_be_different": "You cannot pay yourself",
    "exceeds_credit_limit": "You cannot pay this much: you can spend {available} now",
    "exceeds_upper_limit": "This would take them over their upper limit",
    "exceeds_wind_up_limit": (
        "While the scheme winds up you can pay only what you have: {available} now"
    ),
    "invoice_not_open": "This invoice is no longer open",
    "member_not_found": "There is no such member here",
    "exists_with_different_fields": (
        "You have made this payment already. To pay again, start a new payment"
    ),
}
#: Which field a named error of paying or invoicing belongs beside.
FIELDS = {
    "amount_invalid": "amount",
    "amount_must_be_positive": "amount",
    "amount_too_large": "amount",
    "exceeds_credit_limit": "amount",
    "exceeds_upper_limit": "amount",
    "exceeds_wind_up_limit": "amount",
    "accounts_must_be_different": "payee",
    "payee_not_found": "payee",
    "payer_not_found": "payee",
    "account_closed": "payee",
    "account_suspended": "payee",
    "account_not_manageable": "payee",
    "validation_failed": "memo",
}


def new_id() -> str:
    return str(uuid.uuid4())


class PayForm(FlaskForm):
    """Whom to pay, how much, what for; ``id`` makes a resubmitted form pay once."""

    payee = StringField(
        "Who are you paying?",
        validators=[InputRequired("Enter the name or handle of the member you are paying")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    amount = AmountField(validators=[InputRequired("Enter the amount")])
    memo = StringField(
        "What is it for? (optional)",
        validators=[Optional(), Length(max=500, message="Write at most 500 characters")],
    )
    id = HiddenField(default=new_id)


class InvoiceForm(FlaskForm):
    payee = StringField(
        "Who should pay you?",
        validators=[InputRequired("Enter the name or handle of the member who should pay")],
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


class StatementForm(FlaskForm):
    """A GET form: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    start = DateField("From", validators=[Optional()], format="%Y-%m-%d")
    end = DateField("To", validators=[Optional()], format="%Y-%m-%d")
