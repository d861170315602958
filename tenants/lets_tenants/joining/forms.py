"""Forms of the standing pages: terminating a membership, appealing, deciding an appeal,
recording a sterling fee received."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class TerminationForm(FlaskForm):
    member = StringField(
        "Member (name or handle)",
        validators=[DataRequired("Say whose membership the committee terminates")],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "class": "input--medium"},
    )
    reason = TextAreaField(
        "The serious breach",
        validators=[DataRequired("Name the breach"), Length(max=2000)],
        render_kw={"rows": 4},
    )


class AppealForm(FlaskForm):
    appeal = TextAreaField(
        "Why the termination should be overturned",
        validators=[DataRequired("Say why you appeal"), Length(max=2000)],
        render_kw={"rows": 5},
    )


class AppealDecisionForm(FlaskForm):
    outcome = RadioField(
        "The mediation group's decision",
        choices={
            "upheld": "Upheld: the termination stands",
            "overturned": "Overturned: the membership and account are restored",
        },
        validators=[InputRequired("Choose the decision")],
    )
    note = TextAreaField(
        "The reasons, as the member will read them",
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )


class FeePaidForm(FlaskForm):
    """One button per fee: only the CSRF token."""
