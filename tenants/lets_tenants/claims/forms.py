"""Forms of the claims and disputes pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from lets_platform.web.forms import AmountField


class ClaimForm(FlaskForm):
    budget = SelectField(
        "From which budget", coerce=int, choices=[], validators=[InputRequired("Choose the budget")]
    )
    kind = RadioField(
        "What for",
        choices={"wage": "Administrative work", "meeting_attendance": "Attending a meeting"},
        default="wage",
        validators=[InputRequired("Choose what the claim is for")],
    )
    amount = AmountField(validators=[InputRequired("Enter the amount")])
    description = StringField(
        "The work done", validators=[InputRequired("Describe the work"), Length(max=1000)]
    )


class DisputeForm(FlaskForm):
    against = SelectField("With whom", choices=[], validators=[Optional()])
    description = TextAreaField(
        "What happened",
        validators=[InputRequired("Describe it"), Length(max=2000)],
        render_kw={"rows": 4},
    )


class HandlingForm(FlaskForm):
    state = RadioField(
        "Where it stands",
        choices={
            "in_mediation": "In mediation",
            "resolved": "Resolved",
            "referred": "Referred to LETSlink",
        },
        validators=[InputRequired("Choose where it stands")],
    )
    note = StringField(
        "What the group did", validators=[InputRequired("Record what was done"), Length(max=2000)]
    )
    outcome = StringField(
        "Outcome (when resolved or referred)", validators=[Optional(), Length(max=2000)]
    )
