"""Forms of the constitution's pages: applying to join, deciding an application."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional


class ApplicationForm(FlaskForm):
    display_name = StringField(
        "Your name", validators=[InputRequired("Enter your name"), Length(max=120)]
    )
    handle = StringField(
        "Choose a handle",
        validators=[InputRequired("Choose a handle"), Length(max=40)],
        render_kw={"autocapitalize": "none", "spellcheck": "false", "class": "input--medium"},
    )
    organisation = StringField(
        "Organisation (if you apply for one)", validators=[Optional(), Length(max=160)]
    )
    version = HiddenField()
    endorse = BooleanField(
        "I endorse the scheme's rules and this constitution",
        validators=[InputRequired("You join by endorsing the constitution")],
    )


class DecisionForm(FlaskForm):
    reason = StringField("Reason (if you reject)", validators=[Optional(), Length(max=500)])
