"""The national body's forms, and the organisers' wind-up forms. Fields check their shape;
the operations check the rules, and their named errors are shown beside the field."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from lets_tenants.admin.forms import MultiCheckboxField, options


def _blank_is_none(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else value


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


SLUG_HINT = "Lower-case letters, digits and dashes, for example exmoor"
RATE_HINT = 'Units of the currency per federation unit (one hour): "10", "12.5" or "25/2"'
FED_HINT = "In federation units (hours), for example 50. Empty: no limit."

PROVISION_ERRORS = {
    "scheme_exists": "slug",
    "rate_invalid": "rate",
    "network_not_found": "network",
}
NETWORK_ERRORS = {"network_exists": "slug"}
ORGANISER_ERRORS = {"person_not_found": "email"}
RATE_ERRORS = {"rate_invalid": "rate"}
LIMIT_ERRORS = {"amount_invalid": "max_deficit", "limit_invalid": "max_deficit"}
PAIR_ERRORS = {
    "use_scheme_transfer": "second",
    "scheme_not_found": "first",
    "amount_invalid": "max_net_flow",
}
WIND_UP_ERRORS = {
    "ballot_short_of_two_thirds": "votes_for",
    "deadline_invalid": "deadline",
    "amount_invalid": "significant_debit",
}
MIGRATE_ERRORS = {"repayment_period_not_over": "force"}
MERGE_ERRORS = {"merge_invalid": "into", "scheme_not_found": "into"}
CHOICE_ERRORS = {
    "member_not_found": "member",
    "destination_not_found": "destination",
    "destination_invalid": "destination",
    "handle_taken": "handle",
    "already_member": "handle",
}


class SchemeForm(FlaskForm):
    """A new scheme and its currency (also the new scheme provisioned from a pool)."""

    slug = StringField(
        "Short name for addresses",
        description=SLUG_HINT,
        validators=[DataRequired("Enter a short name"), Length(max=63)],
        filters=[_strip],
    )
    name = StringField(
        "Name of the scheme", validators=[DataRequired("Enter the name"), Length(max=160)]
    )
    currency_code = StringField(
        "Currency code",
        description="2 to 12 letters or digits, starting with a letter, for example EXM",
        validators=[DataRequired("Enter a currency code"), Length(max=12)],
        filters=[_strip],
    )
    currency_name = StringField(
        "Currency name",
        description="What members call it, for example Exes",
        validators=[DataRequired("Enter the currency's name"), Length(max=40)],
    )
    decimals = IntegerField(
        "Decimal places",
        default=2,
        validators=[InputRequired("Enter 0 to 4"), NumberRange(0, 4, "Enter 0 to 4")],
    )
    rate = StringField(
        "Exchange rate", description=RATE_HINT, default="1", validators=[DataRequired()]
    )
    default_min_balance = StringField(
        "Default credit limit",
        description="Zero or below, for example -100.00",
        default="0",
        validators=[DataRequired("Enter a credit limit")],
    )
    default_max_balance = StringField("Default upper limit (optional)", filters=[_blank_is_none])


class ProvisionForm(SchemeForm):
    network = SelectField(
        "Regional network", choices=options([("", "None")]), validate_choice=False
    )


class NetworkForm(FlaskForm):
    slug = StringField(
        "Short name",
        description=SLUG_HINT,
        validators=[DataRequired("Enter a short name"), Length(max=63)],
        filters=[_strip],
    )
    name = StringField("Name", validators=[DataRequired("Enter the name"), Length(max=120)])


class OrganiserForm(FlaskForm):
    email = StringField(
        "Their email address",
        description="They must have signed in to the hub before, or be a member of a scheme.",
        validators=[DataRequired("Enter an email address")],
        filters=[_strip],
    )


class RateForm(FlaskForm):
    rate = StringField("New rate", description=RATE_HINT, validators=[DataRequired("Enter a rate")])


class LimitsForm(FlaskForm):
    max_deficit = StringField("Largest deficit", description=FED_HINT, filters=[_blank_is_none])
    max_surplus = StringField("Largest surplus", description=FED_HINT, filters=[_blank_is_none])


class PairLimitForm(FlaskForm):
    first = SelectField("One scheme", validate_choice=False)
    second = SelectField("The other scheme", validate_choice=False)
    max_net_flow = StringField(
        "Largest net flow either way", description=FED_HINT, filters=[_blank_is_none]
    )


class ClearingForm(FlaskForm):
    """Start a clearing run now (no fields beyond the CSRF token)."""


class PoolForm(FlaskForm):
    network = SelectField("Regional network", validate_choice=False)


class PoolProvisionForm(SchemeForm):
    handles = MultiCheckboxField(
        "Pool accounts that move into the new scheme",
        validators=[DataRequired("Choose at least one account")],
        validate_choice=False,
    )


class WindUpForm(FlaskForm):
    votes_for = IntegerField(
        "Votes for", validators=[InputRequired("Enter the votes for"), NumberRange(0)]
    )
    votes_against = IntegerField(
        "Votes against", validators=[InputRequired("Enter the votes against"), NumberRange(0)]
    )
    votes_abstaining = IntegerField(
        "Abstentions", default=0, validators=[Optional(), NumberRange(0)]
    )
    meeting_date = DateField(
        "Date of the meeting or ballot (optional)",
        description="Empty: today.",
        validators=[Optional()],
    )
    deadline = DateField(
        "Last day to repay",
        description="The end of that day (UTC) ends the repayment period.",
        validators=[DataRequired("Enter the last day to repay, like 2027-02-28")],
    )
    significant_debit = StringField(
        "Significant debit (optional)",
        description="What the meeting called a significant debit, in the scheme's currency",
        filters=[_blank_is_none],
    )


class MigrateForm(FlaskForm):
    force = BooleanField("Start before the repayment period is over")
    reason = TextAreaField(
        "Why it must start early",
        description="Needed when starting early; kept with the migration and in the audit log.",
        validators=[Length(max=500)],
        filters=[_blank_is_none],
    )


class MergeForm(FlaskForm):
    into = SelectField("Merge it into", validate_choice=False)


class ChoiceForm(FlaskForm):
    """A member's choice of destination, given on paper and entered by an organiser."""

    member = SelectField("Member", validate_choice=False)
    destination = SelectField("Where their balance goes", validate_choice=False)
    handle = StringField(
        "Handle there (optional)",
        description="Only for a scheme they are not a member of. Empty: their handle here.",
        filters=[_blank_is_none],
    )
