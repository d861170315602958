"""Event pages: coming events with RSVP buttons, one event, posting an event."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from lets_platform import web
from lets_platform.errors import LetsError
from lets_tenants.context import scheme_for
from lets_tenants.directory.forms import refuse
from lets_tenants.directory.viewer import viewer_in
from lets_tenants.events import operations as ops

bp = Blueprint("events", __name__, template_folder="templates", url_prefix="/s/<scheme>")
NAV = (web.Nav("Events", "events.index", order=23),)


class EventForm(FlaskForm):
    title = StringField("What is it?")
    starts_at = DateTimeLocalField(
        "Starts", format="%Y-%m-%dT%H:%M", validators=[InputRequired("Enter when it starts.")]
    )
    ends_at = DateTimeLocalField(
        "Ends (optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    location = StringField("Where?")
    description = TextAreaField("More about it (optional)", render_kw={"rows": 4})
    capacity = IntegerField(
        "Places (optional)", validators=[Optional(), NumberRange(min=1, message="At least 1.")]
    )


def _aware(value: Any) -> Any:
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@bp.route("/events", methods=["GET"])
@web.login_required
def index(scheme: str) -> Any:
    person, found = scheme_for(scheme, "directory.read")
    viewer = viewer_in(person, found)
    seen = [ops.view(e, viewer) for e in ops.list_events(found, viewer)]
    feed = url_for(
        "events.feed",
        scheme=found.slug,
        member=person.id,
        key=ops.feed_key(person, found),
        _external=True,
    )
    return render_template("events/index.html", scheme=found, events=seen, feed=feed)


@bp.route("/events/<int:event_id>", methods=["GET"])
@web.login_required
def show(scheme: str, event_id: int) -> Any:
    person, found = scheme_for(scheme, "directory.read")
    viewer = viewer_in(person, found)
    event = ops.get_event(found, event_id, viewer)
    return render_template(
        "events/show.html",
        scheme=found,
        seen=ops.view(event, viewer),
        attendees=ops.attendees(event),
    )


@bp.route("/events/<int:event_id>/rsvp", methods=["POST"])
@web.login_required
def rsvp(scheme: str, event_id: int) -> Any:
    person, found = scheme_for(scheme, "directory.read")
    going = request.form.get("going") == "yes"
    try:
        seen = ops.rsvp(found, event_id, viewer_in(person, found), going)
    except LetsError as error:
        flash(error.detail, "warning")
    else:
        message = {
            "going": "You are going.",
            "waiting": "The event is full: you are on the waiting list.",
        }
        flash(message.get(seen.mine or "", "You are not going."), "success")
    return redirect(url_for("events.show", scheme=found.slug, event_id=event_id))


@bp.route("/events/new", methods=["GET", "POST"])
@web.login_required
def new(scheme: str) -> Any:
    person, found = scheme_for(scheme, "directory.list_own")
    form = EventForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            event = ops.create_event(
                found,
                viewer_in(person, found),
                title=form.title.data or "",
                starts_at=_aware(form.starts_at.data),
                ends_at=_aware(form.ends_at.data),
                location=form.location.data or "",
                description=form.description.data or "",
                capacity=form.capacity.data,
            )
        except LetsError as error:
            refuse(form, error)
        else:
            flash(f"“{event.title}” is on the calendar.", "success")
            return redirect(url_for("events.show", scheme=found.slug, event_id=event.id))
        return render_template("events/new.html", scheme=found, form=form), 422
    if request.method == "POST":
        return render_template("events/new.html", scheme=found, form=form), 422
    return render_template("events/new.html", scheme=found, form=form)


@bp.route("/events.ics")
def feed(scheme: str) -> Any:
    """The calendar subscription link (the API's feed, for calendar apps)."""
    from lets_tenants.events.api import feed as api_feed

    return api_feed(scheme)
