"""Pages of claims (submitting; the committee approving and paying from budgets) and of
disputes (raising; the mediation group recording handling and outcome). Glue over
``claims.operations`` and ``claims.disputes``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from lets_platform import permissions, web
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.web.forms import plain
from lets_tenants.claims import disputes as dispute_ops
from lets_tenants.claims import operations as ops
from lets_tenants.claims.forms import ClaimForm, DisputeForm, HandlingForm
from lets_tenants.context import scheme_for
from lets_tenants.membership.operations import list_members, membership_of

bp = Blueprint("claims_pages", __name__, template_folder="templates", url_prefix="/s/<scheme>")

NAV = (
    web.Nav("Claims", "claims_pages.claims", order=65),
    web.Nav("Disputes", "claims_pages.disputes", order=66),
)
#: This area's plain words for the refusals its pages meet (``web.refuse``).
WORDS = {
    k: "{detail}"
    for k in (
        "claim_not_approved",
        "meeting_pay_not_authorised",
        "exceeds_budget",
        "budget_period_over",
        "claim_wrong_state",
        "already_approved",
        "not_a_member",
        "dispute_closed",
    )
}
FIELDS = {
    "amount_invalid": "amount",
    "amount_must_be_positive": "amount",
    "meeting_pay_not_authorised": "kind",
    "validation_failed": "description",
}


@bp.route("/claims", methods=["GET", "POST"])
@web.login_required
def claims(scheme: str) -> Any:
    person, found = scheme_for(scheme, "scheme.read")
    approves = permissions.can(person, "claims.approve", found.id)
    form = ClaimForm()
    form.budget.choices = {b.id: b.purpose for b in ops.list_budgets(found)}
    action = request.form.get("action")
    if request.method == "POST" and action in ("approve", "reject", "pay"):
        person, found = scheme_for(scheme, "claims.approve")
        claim = ops.get_claim(found, int(request.form.get("claim", "0")))
        try:
            {"approve": ops.approve, "reject": ops.reject, "pay": ops.pay}[action](
                found, claim, actor=person
            )
            flash(f"Claim {claim.id}: {claim.state}.", "success")
        except LetsError as error:
            db.session.rollback()
            flash(plain(error, WORDS), "warning")
        return redirect(url_for(".claims", scheme=scheme))
    if request.method == "POST" and form.validate_on_submit():
        person, found = scheme_for(scheme, "claims.submit")
        try:
            ops.submit(
                found,
                budget=form.budget.data,
                kind=form.kind.data,
                amount=form.amount.data,
                description=form.description.data,
                actor=person,
            )
        except LetsError as error:
            db.session.rollback()
            web.refuse(form, error, FIELDS, WORDS)
        else:
            flash("Your claim is with the committee.", "success")
            return redirect(url_for(".claims", scheme=scheme))
    budgets = [(b, ops.spent(b)) for b in ops.list_budgets(found)]
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "claims/claims.html",
        scheme=found,
        form=form,
        approves=approves,
        budgets=budgets,
        claims=ops.list_claims(found, None if approves else person),
        member=membership_of(person, found),
    ), status


@bp.route("/disputes", methods=["GET", "POST"])
@web.login_required
def disputes(scheme: str) -> Any:
    person, found = scheme_for(scheme, "scheme.read")
    handles = permissions.can(person, "disputes.handle", found.id)
    me = membership_of(person, found)
    form = DisputeForm(prefix="raise")
    form.against.choices = {"": "The administration"} | {
        m.handle: m.display_name for m in list_members(found) if me is None or m.id != me.id
    }
    handling = HandlingForm(prefix="handle")
    if request.method == "POST" and request.form.get("action") == "handle":
        person, found = scheme_for(scheme, "disputes.handle")
        if handling.validate_on_submit():
            dispute = dispute_ops.get_dispute(found, int(request.form.get("dispute", "0")))
            try:
                dispute_ops.handle(
                    found,
                    dispute,
                    state=handling.state.data,
                    note=handling.note.data,
                    outcome=handling.outcome.data,
                    actor=person,
                )
            except LetsError as error:
                db.session.rollback()
                web.refuse(handling, error, {"validation_failed": "outcome"}, WORDS)
            else:
                flash("Recorded.", "success")
                return redirect(url_for(".disputes", scheme=scheme))
    elif request.method == "POST" and form.validate_on_submit():
        person, found = scheme_for(scheme, "disputes.raise")
        try:
            dispute_ops.raise_dispute(
                found,
                description=form.description.data,
                against=form.against.data or None,
                actor=person,
            )
        except LetsError as error:
            db.session.rollback()
            web.refuse(form, error, {}, WORDS)
        else:
            flash("The mediation group has your dispute.", "success")
            return redirect(url_for(".disputes", scheme=scheme))
    failed = form.errors or form.form_errors or handling.errors or handling.form_errors
    return render_template(
        "claims/disputes.html",
        scheme=found,
        form=form,
        handling=handling,
        handles=handles,
        disputes=dispute_ops.list_disputes(found, None if handles else person),
        me=me,
    ), (422 if failed else 200)
