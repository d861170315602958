"""Pages of a member's standing: the committee terminating a membership for a serious
breach (with a check step), the member's appeal, the mediation group's decision, and the
treasurer recording sterling fees received. Glue over ``joining.termination`` and
``joining.operations``: the same operations and permission checks as the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import select

from lets_platform import permissions, web
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_platform.web.forms import plain
from lets_platform.web.nav import Place
from lets_tenants.accounts.operations import get_account
from lets_tenants.constitution.operations import rule
from lets_tenants.context import check_writable, scheme_for
from lets_tenants.joining import operations as joining
from lets_tenants.joining import termination as terminations
from lets_tenants.joining.forms import AppealDecisionForm, AppealForm, FeePaidForm, TerminationForm
from lets_tenants.joining.models import Standing, Termination
from lets_tenants.joining.operations import FeeNotDue
from lets_tenants.membership.operations import MemberNotFound, membership_of
from lets_tenants.pages.finding import find_member

bp = Blueprint("joining_pages", __name__, template_folder="templates", url_prefix="/s/<scheme>")


def _hears_terminations(person: Any, place: Place | None) -> bool:
    return place is not None and (
        permissions.can(person, "members.terminate", place.id)
        or permissions.can(person, "appeals.decide", place.id)
    )


NAV = (
    web.Nav(
        "Terminations",
        "joining_pages.terminations",
        group="organiser",
        order=22,
        when=_hears_terminations,
    ),
    web.Nav("Fees", "joining_pages.fees", group="organiser", action="fees.record", order=24),
)

#: The standing pages' own wording of the refusals they meet (``web.refuse``).
WORDS = {
    "member_not_found": "No member of this scheme has that name or handle",
    "termination_not_allowed": "{detail}",
    "appeal_invalid": "{detail}",
}
FIELDS = {
    "member_not_found": "member",
    "termination_not_allowed": "member",
    "validation_failed": "reason",
}


# --- The committee and the mediation group ----------------------------------------------


def _terminations_reader(scheme: str) -> tuple[Any, Scheme, bool, bool]:
    """The person, scheme, and whether they terminate (committee) and decide appeals
    (mediation group); anyone else is refused as by the API."""
    person, found = scheme_for(scheme, "scheme.read")
    committee = permissions.can(person, "members.terminate", found.id)
    mediator = permissions.can(person, "appeals.decide", found.id)
    if not (committee or mediator):
        permissions.require(person, "members.terminate", found.id)  # the named refusal
    return person, found, committee, mediator


def _terminations_page(
    found: Scheme,
    committee: bool,
    mediator: bool,
    form: TerminationForm | None = None,
    decisions: dict[int, AppealDecisionForm] | None = None,
    status: int = 200,
) -> Any:
    every = terminations.list_terminations(found)
    waiting = [t for t in every if t.appealed_at is not None and t.appeal_outcome is None]
    decisions = decisions or {}
    for t in waiting:
        decisions.setdefault(t.id, AppealDecisionForm(prefix=f"decide-{t.id}", formdata=None))
    return render_template(
        "joining/terminations.html",
        scheme=found,
        committee=committee,
        mediator=mediator,
        form=form or TerminationForm(formdata=None),
        decisions=decisions,
        waiting=waiting,
        terminations=every,
        termination_by=rule(found, "termination_by"),
        appeal_to=rule(found, "appeal_to"),
        mediators=terminations.mediators(found),
    ), status


@bp.route("/admin/terminations", endpoint="terminations")
@web.login_required
def terminations_page(scheme: str) -> Any:
    _, found, committee, mediator = _terminations_reader(scheme)
    return _terminations_page(found, committee, mediator)


@bp.route("/admin/terminations/check", methods=["POST"])
@web.login_required
def check_termination(scheme: str) -> Any:
    """Step one: find the member meant and show what terminating them does."""
    _, found = scheme_for(scheme, "members.terminate")
    form = TerminationForm()
    if form.validate_on_submit():
        typed = form.member.data.strip()
        match = find_member(found, typed)
        account = match.account
        if account is None or account.membership is None:
            if match.matches:
                names = ", ".join(f"{m.display_name} ({m.handle})" for m in match.matches)
                form.member.errors = [f"Several members match: type one handle of {names}"]
            else:
                missing = MemberNotFound(f"No member of this scheme is called {typed!r}.")
                web.refuse(form, missing, FIELDS, WORDS)
        else:
            membership = account.membership
            state = db.session.scalar(
                select(Standing.state).where(Standing.membership_id == membership.id)
            )
            if state == "terminated":
                form.member.errors = [f"{membership.display_name} is terminated already"]
            else:
                return render_template(
                    "joining/termination_check.html",
                    scheme=found,
                    form=form,
                    membership=membership,
                    account=get_account(found, membership.handle),
                    termination_by=rule(found, "termination_by"),
                    appeal_to=rule(found, "appeal_to"),
                )
    return _terminations_page(
        found, True, permissions.can(web.signed_in(), "appeals.decide", found.id), form, None, 422
    )


@bp.route("/admin/terminations/confirm", methods=["POST"])
@web.login_required
def confirm_termination(scheme: str) -> Any:
    """Step two: the committee's decision, made once (a second send is refused by name)."""
    person, found = scheme_for(scheme, "members.terminate")
    form = TerminationForm()
    if form.validate_on_submit():
        try:
            check_writable(found)
            done = terminations.terminate(
                found, form.member.data.strip(), reason=form.reason.data, actor=person
            )
        except LetsError as error:
            db.session.rollback()
            web.refuse(form, error, FIELDS, WORDS)
        else:
            name = done.membership.display_name
            flash(f"{name}'s membership is terminated; they are told and may appeal.", "success")
            return redirect(url_for(".terminations", scheme=scheme))
    mediator = permissions.can(person, "appeals.decide", found.id)
    return _terminations_page(found, True, mediator, form, None, 422)


@bp.route("/admin/terminations/<int:termination_id>/decision", methods=["POST"])
@web.login_required
def decide_appeal(scheme: str, termination_id: int) -> Any:
    person, found = scheme_for(scheme, "appeals.decide")
    termination = terminations.get_termination(found, termination_id)
    form = AppealDecisionForm(prefix=f"decide-{termination.id}")
    if form.validate_on_submit():
        try:
            terminations.decide_appeal(
                found, termination, outcome=form.outcome.data, note=form.note.data, actor=person
            )
        except LetsError as error:
            db.session.rollback()
            web.refuse(form, error, {"validation_failed": "outcome"}, WORDS)
        else:
            verdict = "restored" if form.outcome.data == "overturned" else "still terminated"
            flash(
                f"Recorded: {termination.membership.display_name} is {verdict}; they are told.",
                "success",
            )
            return redirect(url_for(".terminations", scheme=scheme))
    committee = permissions.can(person, "members.terminate", found.id)
    return _terminations_page(found, committee, True, None, {termination.id: form}, 422)


# --- The member --------------------------------------------------------------------------


def _own_terminations(scheme: str) -> tuple[Any, Scheme, list[Termination]]:
    person = web.signed_in()
    found = get_scheme(scheme)
    membership = membership_of(person, found)
    mine = [
        t
        for t in terminations.list_terminations(found)
        if membership is not None and t.membership_id == membership.id
    ]
    return person, found, mine


@bp.route("/termination", methods=["GET", "POST"])
@web.login_required
def termination(scheme: str) -> Any:
    """A member's own termination: why, by which clause, and their appeal (once)."""
    person, found, mine = _own_terminations(scheme)
    if not mine:
        return redirect(url_for("member.dashboard", scheme=scheme))
    latest = mine[0]
    form = AppealForm()
    if form.validate_on_submit():  # a second appeal is refused by the operation, by name
        try:
            check_writable(found)
            terminations.appeal(found, latest, text=form.appeal.data, actor=person)
        except LetsError as error:
            db.session.rollback()
            web.refuse(form, error, {"validation_failed": "appeal"}, WORDS)
        else:
            flash("Your appeal is sent.", "success")
            return redirect(url_for(".termination", scheme=scheme))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "joining/termination.html",
        scheme=found,
        termination=latest,
        earlier=mine[1:],
        form=form,
        appeal_to=rule(found, "appeal_to"),
    ), status


# --- The treasurer -----------------------------------------------------------------------


@bp.route("/admin/fees")
@web.login_required
def fees(scheme: str) -> Any:
    """Sterling fees due, each recorded paid with one button; what was recorded lately."""
    _, found = scheme_for(scheme, "fees.record")
    every = joining.fees_of(found)
    due = sorted(
        (f for f in every if f.currency == "sterling" and f.state == "due"),
        key=lambda f: (f.period_start, f.membership.display_name),
    )
    paid = [f for f in every if f.currency == "sterling" and f.state == "paid"][:20]
    local = [f for f in every if f.currency == "local"][:20]
    return render_template(
        "joining/fees.html",
        scheme=found,
        due=due,
        due_total=sum(f.amount for f in due),
        paid=paid,
        local=local,
        fee_sterling=rule(found, "fee_sterling"),
        fee_local=rule(found, "fee_local"),
        fee_period=rule(found, "fee_period_months"),
    )


@bp.route("/admin/fees/<int:fee_id>/paid", methods=["POST"])
@web.login_required
def fee_paid(scheme: str, fee_id: int) -> Any:
    person, found = scheme_for(scheme, "fees.record")
    if not FeePaidForm().validate_on_submit():
        flash("The form had expired: press the button again.", "warning")
        return redirect(url_for(".fees", scheme=scheme))
    try:
        fee = joining.record_sterling_paid(found, fee_id, actor=person)
    except FeeNotDue:
        db.session.rollback()  # a double click, or another treasurer first: it is paid
        fee = joining.get_fee(found, fee_id)
        when = f", on {fee.paid_at:%-d %b %Y}" if fee.paid_at else ""
        paid = f"£{format_amount(fee.amount, 2)} from {fee.membership.display_name}"
        flash(
            f"{paid} was recorded as paid already{when}.",
            "info",
        )
    except LetsError as error:
        db.session.rollback()
        flash(plain(error, WORDS), "warning")
    else:
        paid = f"£{format_amount(fee.amount, 2)} from {fee.membership.display_name}"
        flash(
            f"Recorded: {paid} is paid.",
            "success",
        )
    return redirect(url_for(".fees", scheme=scheme))
