"""Forms of the meeting, ballot and EGM-request pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional


class MeetingForm(FlaskForm):
    kind = RadioField(
        "Which meeting",
        choices={
            "committee": "Committee meeting",
            "agm": "Annual general meeting",
            "egm": "Extraordinary general meeting",
        },
        validators=[InputRequired("Choose which meeting")],
    )
    title = StringField("Title", validators=[Optional(), Length(max=200)])
    starts_at = DateTimeLocalField(
        "Starts at (UTC)",
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired("Enter when the meeting starts")],
    )
    location = StringField("Where", validators=[Optional(), Length(max=200)])


class ItemForm(FlaskForm):
    title = StringField(
        "Add an item to the agenda",
        validators=[InputRequired("Say what the item is"), Length(max=200)],
    )


class MinutesForm(FlaskForm):
    minutes = TextAreaField(
        "Minutes, as agreed by those present",
        validators=[InputRequired("Write the minutes")],
        render_kw={"rows": 8},
    )


class AttendanceForm(FlaskForm):
    """One select per member is added by the view (``presence_<handle>``)."""


class MotionForm(FlaskForm):
    question = StringField(
        "Motion or question", validators=[InputRequired("Write the motion"), Length(max=500)]
    )


class VoteForm(FlaskForm):
    choice = RadioField(
        "Your vote",
        choices={"for": "For", "against": "Against", "abstain": "Abstain"},
        validators=[InputRequired("Choose for, against or abstain")],
    )
    member = SelectField("Voting for", validators=[Optional()], choices=[])


class RequestForm(FlaskForm):
    purpose = TextAreaField(
        "What should the EGM decide?",
        validators=[InputRequired("Say what the EGM is for"), Length(max=1000)],
        render_kw={"rows": 3},
    )
