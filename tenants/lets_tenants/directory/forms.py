"""Forms of the directory's pages, and putting an operation's named error beside the
field it names (the operations name it in ``errors``)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lets_platform import web
from lets_platform.errors import LetsError
from lets_platform.web.forms import plain


def refuse(form: FlaskForm, error: LetsError) -> None:
    """Each message of ``error.extra['errors']`` beside its field, else above the form."""
    named = error.extra.get("errors") or {}
    placed = False
    for name, messages in named.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *(str(m) for m in messages)]
            placed = True
    if not placed:
        web.refuse(form, error)
    elif error.detail and not named:
        form.form_errors.append(plain(error))


class ListingForm(FlaskForm):
    kind = RadioField(
        "Is it an offer or a want?",
        choices=[SelectChoice("offer", "An offer"), SelectChoice("want", "A want")],
        default="offer",
    )
    title = StringField("Title")
    description = TextAreaField("Description", render_kw={"rows": 6})
    category = SelectField("Category")
    price = StringField(
        "Indicative price", render_kw={"inputmode": "decimal", "class": "input--short"}
    )
    per_hour = BooleanField("The price is per hour")
    area = StringField("Area or neighbourhood")
    tags = StringField("Tags")
    visibility = RadioField(
        "Who may see it?",
        choices=[
            SelectChoice("scheme", "Members of this scheme"),
            SelectChoice("federation", "Members of every scheme"),
            SelectChoice("group", "Only one of my groups"),
        ],
        default="scheme",
    )
    group = SelectField("Group", choices=[], validate_choice=False)
    expires_on = DateField("Listed until", validators=[Optional()])
    owner = StringField("List for member (handle)")


class MessageForm(FlaskForm):
    subject = StringField("Subject")
    body = TextAreaField("Message", render_kw={"rows": 5})


class ReportForm(FlaskForm):
    reason = TextAreaField("What is wrong with it?", render_kw={"rows": 4})


class ResolveForm(FlaskForm):
    note = TextAreaField(
        "Note to the author (optional for hide and dismiss)", render_kw={"rows": 3}
    )


class PrintForm(FlaskForm):
    """Only the CSRF token: the button pressed names the format."""
