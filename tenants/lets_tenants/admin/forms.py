"""The organisers' forms. Fields check their shape only; the operations check the rules
and their named errors are shown beside the field (``lets_platform.web.refuse``)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from lets_platform.permissions import SCHEME_ROLES, SCOPES
from lets_tenants.ledger.models import CHANNELS


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms wants choices declared."""
    return [SelectChoice(value, label) for value, label in pairs]


AMOUNT_HINT = "For example 12.50"
EMAIL_HINT = "Enter an email address like name@example.org"
#: Plain words for refusals the organisers' forms meet (``{detail}``: the operation's).
MESSAGES = {
    "exceeds_credit_limit": "That would take the payer below their credit limit: {detail}",
    "exceeds_upper_limit": "That would take the payee above their upper limit: {detail}",
    "exceeds_wind_up_limit": "The scheme is winding up, so no one may go further into debit: "
    "{detail}",
    "correction_exceeds_original": "That is more than the transfer moved, less what was "
    "corrected already",
    "handle_taken": "Someone in the scheme has this handle already",
    "limits_exclude_balance": "The balance now lies outside those limits",
    "balance_not_zero": "Only an account with a zero balance and nothing held can be closed",
}
#: Error codes of the ledger and accounts, by the field each is about.
AMOUNT_ERRORS = {
    "amount_invalid": "amount",
    "amount_must_be_positive": "amount",
    "amount_too_large": "amount",
    "exceeds_credit_limit": "amount",
    "exceeds_upper_limit": "amount",
    "exceeds_wind_up_limit": "amount",
    "correction_exceeds_original": "amount",
    "payer_not_found": "payer",
    "payee_not_found": "payee",
    "accounts_must_be_different": "payee",
    "account_suspended": "payer",
    "account_closed": "payer",
    "account_not_manageable": "payer",
}
MEMBER_ERRORS = {
    "handle_taken": "handle",
    "handle_reserved": "handle",
    "already_member": "email",
    "email_differs": "email",
    "already_signed_up": "email",
    "person_exists": "email",
    "email_invalid": "email",
}
LIMIT_ERRORS = {
    "limits_exclude_balance": "min_balance",
    "amount_invalid": "min_balance",
}


def _blank_is_none(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


class AddMemberForm(FlaskForm):
    display_name = StringField(
        "Full name", validators=[DataRequired("Enter the member's name"), Length(max=120)]
    )
    handle = StringField(
        "Handle",
        description="How the member is known in the scheme: lower-case letters, digits, "
        "dots, dashes or underscores, for example jo.smith",
        validators=[DataRequired("Enter a handle"), Length(max=40)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    email = StringField(
        "Email address (optional)",
        description="Leave it empty for a member who does not use email: you act for them.",
        validators=[Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=EMAIL_HINT)],
        filters=[_blank_is_none],
    )
    invite = BooleanField("Send them an invitation to set a password", default=True)
    min_balance = StringField(
        "Credit limit (optional)",
        description="How far into debit they may go, for example -100.00. "
        "Empty: the scheme's default.",
        filters=[_blank_is_none],
    )
    max_balance = StringField(
        "Upper limit (optional)",
        description="Empty: the scheme's default.",
        filters=[_blank_is_none],
    )


class InviteForm(FlaskForm):
    email = StringField(
        "Their email address",
        description="Only for a member who has none yet.",
        validators=[Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=EMAIL_HINT)],
        filters=[_blank_is_none],
    )


class LimitsForm(FlaskForm):
    min_balance = StringField(
        "Credit limit",
        description="Zero or below, for example -100.00",
        validators=[DataRequired("Enter a credit limit")],
    )
    max_balance = StringField(
        "Upper limit (optional)", description="Empty: no upper limit.", filters=[_blank_is_none]
    )


class StatusForm(FlaskForm):
    status = RadioField(
        "Account status",
        choices=options(
            [
                ("active", "Active: may trade"),
                ("suspended", "Suspended: may not trade until made active again"),
                ("closed", "Closed: for good (the balance must be zero)"),
            ]
        ),
        validators=[DataRequired("Choose a status")],
    )


class RoleForm(FlaskForm):
    role = SelectField(
        "Role", choices=options([(k, v) for k, v in SCHEME_ROLES.items() if k != "member"])
    )


class CentralAccountForm(FlaskForm):
    name = StringField(
        "Short name",
        description="Lower-case letters, digits and dashes, for example events-budget",
        validators=[DataRequired("Enter a short name"), Length(max=40)],
    )
    title = StringField(
        "What it is for", description="For example Events budget", validators=[Length(max=120)]
    )
    min_balance = StringField(
        "How far it may go into debit", default="0", validators=[DataRequired("Enter a limit")]
    )
    max_balance = StringField("Upper limit (optional)", filters=[_blank_is_none])


class EntryForm(FlaskForm):
    """A transfer entered for a member from paper; ``id`` makes a resubmission harmless."""

    id = HiddenField()
    channel = RadioField(
        "How did it reach you?",
        choices=options([(c, c.title()) for c in CHANNELS if c != "online"]),
        default="cheque",
        validators=[DataRequired("Choose cheque, voucher or paper")],
    )
    payer = StringField(
        "Who pays (handle or account name)", validators=[DataRequired("Enter who pays")]
    )
    payee = StringField(
        "Who is paid (handle or account name)", validators=[DataRequired("Enter who is paid")]
    )
    amount = StringField(
        "Amount", description=AMOUNT_HINT, validators=[DataRequired("Enter an amount")]
    )
    memo = StringField("What it was for (optional)", validators=[Length(max=500)])


class CorrectionForm(FlaskForm):
    id = HiddenField()
    amount = StringField(
        "Amount to give back (optional)",
        description="Empty: all of it that is not corrected yet.",
        filters=[_blank_is_none],
    )
    memo = StringField("Why (optional)", validators=[Length(max=500)])


class ImportForm(FlaskForm):
    accounts = FileField(
        "Accounts file (CSV)",
        description="Columns handle, display_name, email, balance; optionally min_balance, "
        "max_balance, kind",
        validators=[FileRequired("Choose the accounts file"), FileAllowed(["csv", "txt"])],
    )
    offers = FileField(
        "Offers file (CSV, optional)",
        description="Columns handle, title; optionally description, category",
        validators=[FileAllowed(["csv", "txt"])],
    )


class ConfirmImportForm(FlaskForm):
    """The second step: the files checked in the dry run, sent again to be written."""

    accounts = HiddenField()
    offers = HiddenField()


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ClientForm(FlaskForm):
    name = StringField(
        "Name of the site or app",
        validators=[DataRequired("Enter a name"), Length(max=120)],
    )
    redirect_uris = TextAreaField(
        "Redirect addresses",
        description="One per line, https (http only on the loopback), for example "
        "https://ourlets.example/auth/callback",
        validators=[DataRequired("Enter at least one redirect address")],
    )
    scopes = MultiCheckboxField(
        "What it may ask for",
        choices=options(list(SCOPES.items())),
        default=["openid", "profile", "email"],
        validators=[DataRequired("Choose at least one")],
    )
