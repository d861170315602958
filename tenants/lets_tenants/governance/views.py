"""Pages of meetings (notice, agenda, attendance and quorum, minutes), motions and
ballots (voting, results) and EGM requests (signing). Glue over ``governance``'s
operations: a refused rule shows beside its field in plain words, with its clause."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms import SelectField

from lets_platform import clock, permissions, web
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.web.forms import plain
from lets_tenants.constitution.rules import MAJORITIES
from lets_tenants.context import scheme_for
from lets_tenants.governance import ballots as ballot_ops
from lets_tenants.governance import egm as egm_ops
from lets_tenants.governance import meetings as meeting_ops
from lets_tenants.governance.committee import committee_members
from lets_tenants.governance.forms import (
    AttendanceForm,
    ItemForm,
    MeetingForm,
    MinutesForm,
    MotionForm,
    RequestForm,
    VoteForm,
)
from lets_tenants.joining.models import Standing
from lets_tenants.membership.operations import list_members, membership_of

bp = Blueprint("governance_pages", __name__, template_folder="templates", url_prefix="/s/<scheme>")

NAV = (
    web.Nav("Meetings", "governance_pages.meetings", order=62),
    web.Nav("Ballots", "governance_pages.ballots", order=63),
    web.Nav("EGM requests", "governance_pages.requests", order=64),
)

#: This area's plain words for the refusals its pages meet (``web.refuse``).
WORDS = {
    "notice_too_short": "{detail}",
    "reconvene_too_late": "{detail}",
    "already_voted": "{detail}",
    "no_vote": "{detail}",
    "not_present": "{detail}",
    "not_a_voting_member": "{detail}",
    "already_signed": "{detail}",
    "egm_request_closed": "{detail}",
    "meeting_inquorate": "{detail}",
    "meeting_wrong_state": "{detail}",
}
FIELDS = {
    "notice_too_short": "starts_at",
    "reconvene_too_late": "starts_at",
    "validation_failed": "starts_at",
    "already_voted": "choice",
    "no_vote": "choice",
    "not_present": "choice",
    "not_a_voting_member": "choice",
    "ballot_closed": "choice",
}


def _manages(person: Any, scheme: Any) -> bool:
    return permissions.can(person, "meetings.manage", scheme.id)


@bp.route("/meetings", methods=["GET", "POST"])
@web.login_required
def meetings(scheme: str) -> Any:
    person, found = scheme_for(scheme, "meetings.read")
    form = MeetingForm()
    if request.method == "POST":
        person, found = scheme_for(scheme, "meetings.manage")
        if form.validate_on_submit():
            try:
                meeting = meeting_ops.schedule(
                    found,
                    kind=form.kind.data,
                    title=form.title.data or "",
                    starts_at=form.starts_at.data.replace(tzinfo=UTC),
                    location=form.location.data or "",
                    actor=person,
                )
            except LetsError as error:
                db.session.rollback()
                web.refuse(form, error, FIELDS, WORDS)
            else:
                flash("The meeting is scheduled and members have notice of it.", "success")
                return redirect(url_for(".meeting", scheme=scheme, meeting_id=meeting.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "governance/meetings.html",
        scheme=found,
        meetings=meeting_ops.list_meetings(found),
        form=form,
        manages=_manages(person, found),
        due=meeting_ops.meetings_due(found),
    ), status


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@web.login_required
def meeting(scheme: str, meeting_id: int) -> Any:
    person, found = scheme_for(scheme, "meetings.read")
    found_meeting = meeting_ops.get_meeting(found, meeting_id)
    forms: dict[str, Any] = {
        "item": ItemForm(prefix="item"),
        "minutes": MinutesForm(prefix="minutes"),
        "motion": MotionForm(prefix="motion"),
        "attendance": _attendance_form(found),
    }
    if request.method == "POST":
        done = _meeting_post(scheme, found_meeting, forms, request.form.get("action", ""))
        if done:
            return redirect(url_for(".meeting", scheme=scheme, meeting_id=meeting_id))
    rows = meeting_ops.attendance(found_meeting)
    failed = any(f.errors or f.form_errors for f in forms.values())
    return render_template(
        "governance/meeting.html",
        scheme=found,
        meeting=found_meeting,
        agenda=meeting_ops.agenda(found_meeting),
        attendance=rows,
        quorum=meeting_ops.quorum(found, found_meeting, rows) if rows else None,
        minutes_due=meeting_ops.minutes_due(found, found_meeting),
        ballots=ballot_ops.list_ballots(found, found_meeting),
        forms=forms,
        manages=_manages(person, found),
        member=membership_of(person, found),
    ), (422 if failed else 200)


def _attendance_form(scheme: Any) -> AttendanceForm:
    class Form(AttendanceForm):
        pass

    for m in list_members(scheme):
        setattr(
            Form,
            f"presence_{m.id}",
            SelectField(
                m.display_name,
                choices={
                    "": "not recorded",
                    "present": "present",
                    "apologies": "apologies",
                    "absent": "absent",
                },
                default="",
            ),
        )
    return Form(prefix="attendance")


def _meeting_post(scheme: str, meeting: Any, forms: dict[str, Any], action: str) -> bool:
    """One of the meeting page's forms was sent; True when it succeeded."""
    needs = "meetings.submit_item" if action == "item" else "meetings.manage"
    person, found = scheme_for(scheme, needs)
    form = forms.get(action)
    if form is None or not form.validate_on_submit():
        return False
    try:
        if action == "item":
            if meeting.kind == "committee":
                permissions.require(person, "meetings.manage", found.id)
            meeting_ops.add_item(found, meeting, title=form.title.data, actor=person)
        elif action == "minutes":
            meeting_ops.publish_minutes(found, meeting, text=form.minutes.data, actor=person)
        elif action == "motion":
            ballot_ops.open_vote(found, question=form.question.data, meeting=meeting, actor=person)
        elif action == "attendance":
            entries = _entries(found, form)
            quorum = meeting_ops.record_attendance(found, meeting, entries, actor=person)
            flash(
                "Quorate." if quorum.met else "Not quorate under the constitution's rule.",
                "success" if quorum.met else "warning",
            )
    except LetsError as error:
        db.session.rollback()
        web.refuse(form, error, {}, WORDS)
        return False
    return True


def _entries(scheme: Any, form: Any) -> list[dict[str, str]]:
    entries = []
    for m in list_members(scheme):
        presence = form[f"presence_{m.id}"].data
        if presence:
            entries.append({"handle": m.handle, "presence": presence})
    return entries


@bp.route("/ballots")
@web.login_required
def ballots(scheme: str) -> Any:
    person, found = scheme_for(scheme, "meetings.read")
    return render_template(
        "governance/ballots.html",
        scheme=found,
        ballots=ballot_ops.list_ballots(found),
        majorities=MAJORITIES,
    )


def _represented(person: Any, scheme: Any) -> dict[str, str]:
    """The votes the person may cast: their own, and each organisation they represent."""
    own = membership_of(person, scheme)
    choices = {"": f"Myself ({own.handle})"} if own else {}
    for standing in db.session.scalars(
        db.select(Standing).where(
            Standing.scheme_id == scheme.id,
            Standing.kind == "organisation",
            Standing.representative_id == person.id,
        )
    ):
        choices[standing.membership.handle] = standing.organisation or standing.membership.handle
    return choices


@bp.route("/ballots/<int:ballot_id>", methods=["GET", "POST"])
@web.login_required
def ballot(scheme: str, ballot_id: int) -> Any:
    person, found = scheme_for(scheme, "meetings.read")
    found_ballot = ballot_ops.get_ballot(found, ballot_id)
    form = VoteForm()
    form.member.choices = _represented(person, found)
    if request.method == "POST" and request.form.get("action") == "close":
        person, found = scheme_for(scheme, "meetings.manage")
        ballot_ops.close(found, found_ballot, actor=person)
        flash("Counted: " + ("carried." if found_ballot.passed else "not carried."))
        return redirect(url_for(".ballot", scheme=scheme, ballot_id=ballot_id))
    if request.method == "POST" and form.validate_on_submit():
        person, found = scheme_for(scheme, "ballots.vote")
        try:
            ballot_ops.vote(
                found,
                found_ballot,
                choice=form.choice.data,
                actor=person,
                member=form.member.data or None,
            )
        except LetsError as error:
            db.session.rollback()
            web.refuse(form, error, FIELDS, WORDS)
        else:
            flash("Your vote is counted.", "success")
            return redirect(url_for(".ballot", scheme=scheme, ballot_id=ballot_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "governance/ballot.html",
        majorities=MAJORITIES,
        scheme=found,
        ballot=found_ballot,
        form=form,
        count=ballot_ops.count(found, found_ballot),
        manages=_manages(person, found),
        pending=ballot_ops.adoption_pending(found, found_ballot),
    ), status


@bp.route("/egm-requests", methods=["GET", "POST"])
@web.login_required
def requests(scheme: str) -> Any:
    person, found = scheme_for(scheme, "meetings.read")
    form = RequestForm()
    if request.method == "POST":
        person, found = scheme_for(scheme, "egm.sign")
        request_id = request.form.get("sign")
        try:
            if request_id:
                egm_ops.sign(found, egm_ops.get_request(found, int(request_id)), actor=person)
                flash("You have signed the request.", "success")
                return redirect(url_for(".requests", scheme=scheme))
            if form.validate_on_submit():
                egm_ops.open_request(found, purpose=form.purpose.data, actor=person)
                flash("Your request is open for other members to sign.", "success")
                return redirect(url_for(".requests", scheme=scheme))
        except LetsError as error:
            db.session.rollback()
            if request_id:
                flash(plain(error, WORDS), "warning")
                return redirect(url_for(".requests", scheme=scheme))
            web.refuse(form, error, {}, WORDS)
    rows = [(r, egm_ops.signatures(r)) for r in egm_ops.list_requests(found)]
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "governance/requests.html",
        scheme=found,
        rows=rows,
        form=form,
        committee=committee_members(found),
        now=clock.now(),
        me=membership_of(person, found),
    ), status
