"""While a member's scheme winds up: the deadline, their repayment position (a member in
debit repays by selling; one in credit spends down to zero) and where their balance
goes, which they choose here until the migration starts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from lets_federation.windup import choices
from lets_federation.windup.operations import get_wind_up, repayment_ends
from lets_platform import clock, web
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.identity.models import Person
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_tenants.pages.views import my_account

bp = Blueprint("fed_windup", __name__, template_folder="templates", url_prefix="/s/<scheme>")

#: The member's own words for the refusals of choosing (passed to ``web.refuse``).
WORDS = {
    "choices_closed": "The move has started: your choice can no longer change",
    "handle_taken": "This handle is taken there: choose another",
    "already_member": "You are a member there already: leave the handle empty",
}
FIELDS = {
    "handle_taken": "handle",
    "already_member": "handle",
    "validation_failed": "handle",
    "destination_invalid": "destination",
    "destination_not_found": "destination",
}


def winding_up(person: Person, place: Any) -> bool:
    """Show the page in the navigation only while the member's scheme winds up."""
    return place is not None and place.status == "winding_up" and bool(place.handle)


class ChoiceForm(FlaskForm):
    destination = RadioField(
        "Where should your balance go?", validators=[InputRequired("Choose where it goes")]
    )
    handle = StringField(
        "Your handle there (optional)",
        validators=[Optional()],
        render_kw={"autocomplete": "off", "spellcheck": "false", "class": "input--short"},
    )


def _destinations(scheme: Scheme) -> list[SelectChoice]:
    """The pool first, then every active scheme one may move to."""
    others = db.session.scalars(
        select(Scheme)
        .where(Scheme.status == "active", Scheme.kind == "scheme", Scheme.id != scheme.id)
        .order_by(Scheme.name)
    )
    pool = "The regional pool: kept for you until a scheme near you takes it"
    return [SelectChoice(choices.POOL, pool)] + [
        SelectChoice(s.slug, f"{s.name} ({s.currency_name})") for s in others
    ]


@bp.route("/wind-up", methods=["GET", "POST"])
@web.login_required
def page(scheme: str) -> Any:
    person, found, membership, account = my_account(scheme)
    wind_up = get_wind_up(found)
    scope.allow_all()
    mine = next(
        (r for r in choices.destinations(wind_up) if r.membership.id == membership.id), None
    )
    form = ChoiceForm()
    form.destination.choices = _destinations(found)
    if not form.is_submitted() and mine is not None:
        form.destination.data = choices.POOL if mine.choice is None else mine.destination.slug
    if form.validate_on_submit():
        try:
            choices.choose(
                found,
                actor=person,
                destination=form.destination.data or "",
                handle=(form.handle.data or "").strip() or None,
            )
        except LetsError as error:
            web.refuse(form, error, FIELDS, WORDS)
        else:
            flash("Your choice is saved. You can change it until the move starts.", "success")
            return redirect(url_for("fed_windup.page", scheme=found.slug))
    ends = repayment_ends(wind_up)
    days_left = max((ends - clock.now()).days, 0)
    page_html = render_template(
        "fed/windup.html",
        scheme=found,
        wind_up=wind_up,
        account=account,
        mine=mine,
        form=form,
        days_left=days_left,
    )
    return page_html, (422 if form.is_submitted() and form.errors else 200)
