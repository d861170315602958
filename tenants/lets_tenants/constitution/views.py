"""Pages of the constitution: the version in force with its parameters and clauses, its
history with what each version changed; applying to join (endorsing the version in
force) and the membership secretary's approvals. Glue over ``constitution.operations``
and ``joining.operations``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for

from lets_platform import clock, web
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.tenancy.operations import get_scheme
from lets_platform.web.forms import plain
from lets_tenants.constitution import operations as ops
from lets_tenants.constitution.forms import ApplicationForm, DecisionForm
from lets_tenants.constitution.rendering import to_html
from lets_tenants.constitution.schemas import parameters_out
from lets_tenants.context import check_writable, scheme_for
from lets_tenants.joining import operations as joining
from lets_tenants.joining.models import Standing, Termination
from lets_tenants.membership.operations import membership_of

bp = Blueprint(
    "constitution_pages", __name__, template_folder="templates", url_prefix="/s/<scheme>"
)

NAV = (
    web.Nav("Constitution", "constitution_pages.constitution", order=60),
    web.Nav(
        "Applications",
        "constitution_pages.applications",
        group="organiser",
        action="applications.decide",
        order=20,
    ),
)

#: This area's plain words for the refusals its pages meet (``web.refuse``).
WORDS = {
    "handle_taken": "Another member uses this handle: choose another",
    "handle_reserved": "This handle is reserved: choose another",
    "handle_invalid": "Use lower-case letters, digits, '-', '.' or '_'",
    "already_member": "You are a member of this scheme already",
    "application_pending": "Your application is waiting for the membership secretary",
    "endorsement_stale": "The constitution has just changed: read it again and endorse it",
}
FIELDS = {
    "handle_taken": "handle",
    "handle_reserved": "handle",
    "handle_invalid": "handle",
    "validation_failed": "handle",
    "endorsement_stale": "endorse",
}


@bp.route("/constitution")
@web.login_required
def constitution(scheme: str) -> Any:
    found = get_scheme(scheme)  # anyone signed in: applicants read what they endorse
    version = ops.current(found)
    return render_template(
        "constitution/constitution.html",
        scheme=found,
        version=version,
        text=to_html(version.text),
        parameters=parameters_out(version.parameters, version.clauses),
        history=list(reversed(ops.history(found))),
    )


@bp.route("/constitution/versions/<int:number>")
@web.login_required
def version(scheme: str, number: int) -> Any:
    found = get_scheme(scheme)  # anyone signed in: applicants read what they endorse
    wanted = ops.get_version(found, number)
    previous = ops.get_version(found, number - 1) if number > 1 else None
    changes, text_diff = ops.diff(previous, wanted)
    return render_template(
        "constitution/version.html",
        scheme=found,
        version=wanted,
        changes=changes,
        text_diff=text_diff,
    )


@bp.route("/join", methods=["GET", "POST"])
@web.login_required
def join(scheme: str) -> Any:
    """Apply to join: read the constitution in force, endorse it, choose a handle."""
    person = web.signed_in()
    found = get_scheme(scheme)
    version = ops.current(found)
    if membership_of(person, found) is not None:
        return redirect(url_for("member.dashboard", scheme=scheme))
    form = ApplicationForm(version=str(version.number))
    waiting = [a for a in joining.list_applications(found, "pending") if a.person_id == person.id]
    if form.validate_on_submit():
        try:
            check_writable(found)
            joining.apply(
                found,
                person=person,
                handle=form.handle.data.strip(),
                display_name=form.display_name.data,
                organisation=form.organisation.data,
                endorse_version=int(form.version.data or 0),
            )
        except LetsError as error:
            db.session.rollback()
            web.refuse(form, error, FIELDS, WORDS)
        else:
            flash("Thank you: the membership secretary will look at your application.")
            return redirect(url_for(".join", scheme=scheme))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "constitution/join.html",
        scheme=found,
        version=version,
        form=form,
        waiting=waiting,
        fees=_fees(version.parameters, found.currency_name),
    ), status


def _fees(values: dict[str, Any], unit: str) -> list[str]:
    fees = []
    if values.get("fee_local") not in (None, "0.00", "0"):
        fees.append(f"{values['fee_local']} {unit}")
    if values.get("fee_sterling") not in (None, "0.00", "0"):
        fees.append(f"£{values['fee_sterling']}")
    return fees


@bp.route("/admin/applications")
@web.login_required
def applications(scheme: str) -> Any:
    _, found = scheme_for(scheme, "applications.decide")
    return render_template(
        "constitution/applications.html",
        scheme=found,
        pending=joining.list_applications(found, "pending"),
        decided=[a for a in joining.list_applications(found) if a.state != "pending"][:20],
        form=DecisionForm(),
        versions={v.id: v.number for v in ops.history(found)},
    )


@bp.route(
    "/admin/applications/<int:application_id>/<any(approve, reject):decision>", methods=["POST"]
)
@web.login_required
def decide(scheme: str, application_id: int, decision: str) -> Any:
    person, found = scheme_for(scheme, "applications.decide")
    form = DecisionForm()
    if not form.validate_on_submit():
        return redirect(url_for(".applications", scheme=scheme))
    application = joining.get_application(found, application_id)
    try:
        if decision == "approve":
            joining.approve(found, application, actor=person)
            flash(f"{application.display_name} is a member now; their fee is charged.")
        else:
            joining.reject(found, application, reason=form.reason.data or "", actor=person)
            flash(f"The application of {application.display_name} is rejected.")
    except LetsError as error:
        db.session.rollback()  # nothing of a refused decision stays
        flash(plain(error, WORDS), "warning")
        return redirect(url_for(".applications", scheme=scheme))
    return redirect(url_for(".applications", scheme=scheme))


def membership_panel(person: Any, scheme: Any, account: Any) -> Any:
    """The dashboard's panel: the member's standing, their fees due, the renewal, and the
    ballots open to them."""
    from lets_tenants.governance.ballots import list_ballots
    from lets_tenants.governance.models import Vote
    from lets_tenants.pages.dashboard import Panel

    membership = membership_of(person, scheme)
    if membership is None:
        return None
    standing = db.session.scalar(  # read only: a page view writes nothing
        db.select(Standing).where(Standing.membership_id == membership.id)
    ) or Standing(state="active", kind="individual")
    voted = set(
        db.session.scalars(db.select(Vote.ballot_id).where(Vote.membership_id == membership.id))
    )
    open_ballots = [
        b
        for b in list_ballots(scheme)
        if b.state == "open" and b.form == "ballot" and b.id not in voted
    ]
    due = [f for f in joining.fees_of(scheme, membership) if f.state == "due"]
    return Panel(
        "constitution/_panel.html",
        {
            "standing": standing,
            "due": due,
            "ballots": open_ballots,
            "renewable": standing.state == "lapsed"
            or (
                standing.state == "active"
                and standing.paid_until is not None
                and (standing.paid_until - clock.now().date()).days <= joining.RENEWAL_REMINDER_DAYS
            ),
            "appealed": standing.state == "terminated"
            and db.session.scalar(
                db.select(Termination.appealed_at)
                .where(Termination.membership_id == membership.id)
                .order_by(Termination.id.desc())
                .limit(1)
            )
            is not None,
        },
    )


@bp.route("/renew", methods=["POST"])
@web.login_required
def renew(scheme: str) -> Any:
    person = web.signed_in()
    found = get_scheme(scheme)
    membership = membership_of(person, found)
    form = DecisionForm()
    if membership is None or not form.validate_on_submit():
        return redirect(url_for("member.dashboard", scheme=scheme))
    try:
        check_writable(found)
        joining.charge_fees(found, membership, actor=person)
    except LetsError as error:
        db.session.rollback()
        flash(plain(error, WORDS), "warning")
    else:
        flash("Your membership is renewed.", "success")
    return redirect(url_for("member.dashboard", scheme=scheme))
