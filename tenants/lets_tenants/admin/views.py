"""The organisers' pages of a scheme, ``/s/<scheme>/admin/...``: glue between the forms
and the operations the API calls (``pages``). Only those who may do the page's action in
the scheme see it; anyone else gets the 403 page."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from lets_platform import web
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_tenants.admin import forms, pages
from lets_tenants.context import scheme_for
from lets_tenants.imports.operations import ImportInvalid

bp = Blueprint("organiser", __name__, template_folder="templates", url_prefix="/s/<scheme>/admin")

NAV = (
    web.Nav("Overview", "organiser.overview", group="organiser", action="roles.read", order=10),
    web.Nav("Members", "organiser.members", group="organiser", action="roles.read", order=20),
    web.Nav(
        "Central accounts",
        "organiser.accounts",
        group="organiser",
        action="accounts.read_any",
        order=30,
    ),
    web.Nav(
        "Transfers", "organiser.transfers", group="organiser", action="transfers.read_all", order=40
    ),
    web.Nav("Import", "organiser.imports", group="organiser", action="imports.run", order=60),
    web.Nav("Audit log", "organiser.audit", group="organiser", action="audit.read", order=70),
    web.Nav(
        "Sites and apps",
        "organiser.clients",
        group="organiser",
        action="oauth.clients.manage",
        order=80,
    ),
)


def refused(form: FlaskForm, error: LetsError, fields: Mapping[str, str]) -> None:
    """Undo what the failed operation flushed, then show its error beside its field: the
    one its ``errors`` name, else the one ``fields`` names for its code."""
    db.session.rollback()
    named = error.extra.get("errors")
    if isinstance(named, Mapping):
        field = next((k.split(".")[-1] for k in named if k.split(".")[-1] in form), None)
        if field is not None:
            fields = {**fields, error.code: field}
    # the organisers' own words first: other areas' pages word some codes for members
    web.refuse(form, error, fields, forms.MESSAGES)


def page(
    template: str, form: FlaskForm | None = None, *, status: int | None = None, **values: Any
) -> Any:
    """Render a page; a form that failed answers 422 (so nothing is committed)."""
    failed = form is not None and (form.errors or getattr(form, "form_errors", None))
    return render_template(template, form=form, **values), status or (422 if failed else 200)


@bp.route("/", endpoint="overview")
@web.login_required
def overview(scheme: str) -> Any:
    person = web.signed_in()
    found = pages.admin_scheme(person, scheme)
    may = pages.may(person, found)
    charts = pages.activity_charts(found) if may["transfers.read_all"] else None
    return page("organiser/overview.html", scheme=found, may=may, activity=charts)


# Members


@bp.route("/members", endpoint="members")
@web.login_required
def members(scheme: str) -> Any:
    person, found = scheme_for(scheme, "roles.read")
    may = pages.may(person, found)
    search = request.args.get("q", "").strip() or None
    rows, after = pages.members(
        found,
        with_accounts=may["accounts.read_any"],
        search=search,
        after=request.args.get("after") or None,
    )
    return page(
        "organiser/members.html", scheme=found, may=may, members=rows, q=search, after=after
    )


@bp.route("/members/new", methods=["GET", "POST"], endpoint="add_member")
@web.login_required
def add_member(scheme: str) -> Any:
    person, found = scheme_for(scheme, "members.add")
    form = forms.AddMemberForm()
    if form.validate_on_submit():
        try:
            added, invited = pages.add_member(person, found, form.data)
        except LetsError as error:
            refused(form, error, forms.MEMBER_ERRORS)
        else:
            sent = " An invitation to set a password is on its way." if invited else ""
            flash(f"{added.display_name} is now a member, as {added.handle}.{sent}", "success")
            return redirect(url_for(".member", scheme=scheme, handle=added.handle))
    return page("organiser/add_member.html", form, scheme=found)


def _member_page(scheme: str, handle: str, **forms_given: FlaskForm) -> Any:
    person, found = scheme_for(scheme, "roles.read")
    may = pages.may(person, found)
    shown = pages.member(found, handle, with_account=may["accounts.read_any"])
    account = shown["account"] or {"min_balance": "", "max_balance": "", "status": ""}
    values = {
        "limits_form": forms.LimitsForm(
            formdata=None,
            min_balance=account["min_balance"],
            max_balance=account["max_balance"] or "",
        ),
        "status_form": forms.StatusForm(formdata=None, status=account["status"]),
        "role_form": forms.RoleForm(formdata=None),
        "invite_form": forms.InviteForm(formdata=None),
        **forms_given,
    }
    failed = next((f for f in forms_given.values() if f.errors or f.form_errors), None)
    return page(
        "organiser/member.html",
        failed,
        scheme=found,
        may=may,
        member=shown,
        **values,
    )


@bp.route("/members/<handle>", endpoint="member")
@web.login_required
def member(scheme: str, handle: str) -> Any:
    return _member_page(scheme, handle)


@bp.route("/members/<handle>/limits", methods=["POST"], endpoint="member_limits")
@web.login_required
def member_limits(scheme: str, handle: str) -> Any:
    person, found = scheme_for(scheme, "accounts.manage")
    form = forms.LimitsForm()
    if form.validate_on_submit():
        try:
            pages.change_account(
                person,
                found,
                handle,
                min_balance=form.min_balance.data,
                max_balance=form.max_balance.data,
            )
        except LetsError as error:
            refused(form, error, forms.LIMIT_ERRORS)
        else:
            flash("The limits are changed.", "success")
            return redirect(url_for(".member", scheme=scheme, handle=handle))
    return _member_page(scheme, handle, limits_form=form)


@bp.route("/members/<handle>/invitation", methods=["POST"], endpoint="invite")
@web.login_required
def invite(scheme: str, handle: str) -> Any:
    person, found = scheme_for(scheme, "members.add")
    form = forms.InviteForm()
    if form.validate_on_submit():
        try:
            sent_to = pages.invite(person, found, handle, form.email.data)
        except LetsError as error:
            refused(form, error, forms.MEMBER_ERRORS)
        else:
            flash(f"An invitation is on its way to {sent_to}.", "success")
            return redirect(url_for(".member", scheme=scheme, handle=handle))
    return _member_page(scheme, handle, invite_form=form)


@bp.route("/members/<handle>/status", methods=["POST"], endpoint="member_status")
@web.login_required
def member_status(scheme: str, handle: str) -> Any:
    person, found = scheme_for(scheme, "accounts.manage")
    form = forms.StatusForm()
    if form.validate_on_submit():
        try:
            pages.change_account(person, found, handle, status=form.status.data)
        except LetsError as error:
            refused(form, error, {"balance_not_zero": "status", "account_closed": "status"})
        else:
            flash(f"The account is now {form.status.data}.", "success")
            return redirect(url_for(".member", scheme=scheme, handle=handle))
    return _member_page(scheme, handle, status_form=form)


@bp.route("/members/<handle>/roles", methods=["POST"], endpoint="grant_role")
@web.login_required
def grant_role(scheme: str, handle: str) -> Any:
    person, found = scheme_for(scheme, "roles.grant")
    form = forms.RoleForm()
    if form.validate_on_submit():
        try:
            pages.grant_role(person, found, handle, form.role.data)
        except LetsError as error:
            refused(form, error, {"role_unknown": "role"})
        else:
            flash("The role is given.", "success")
            return redirect(url_for(".member", scheme=scheme, handle=handle))
    return _member_page(scheme, handle, role_form=form)


@bp.route("/members/<handle>/roles/<role>/revoke", methods=["POST"], endpoint="revoke_role")
@web.login_required
def revoke_role(scheme: str, handle: str, role: str) -> Any:
    person, found = scheme_for(scheme, "roles.grant")
    pages.revoke_role(person, found, handle, role)
    flash("The role is taken away.", "success")
    return redirect(url_for(".member", scheme=scheme, handle=handle))


# Central and budget accounts


@bp.route("/accounts", methods=["GET", "POST"], endpoint="accounts")
@web.login_required
def accounts(scheme: str) -> Any:
    person, found = scheme_for(scheme, "accounts.read_any")
    may = pages.may(person, found)
    form = forms.CentralAccountForm()
    if request.method == "POST":
        person, found = scheme_for(scheme, "accounts.open_central")
        if form.validate_on_submit():
            try:
                opened = pages.open_central(person, found, form.data)
            except LetsError as error:
                refused(form, error, {"account_name_taken": "name", "handle_reserved": "name"})
            else:
                flash(f"The account {opened.name} is open.", "success")
                return redirect(url_for(".accounts", scheme=scheme))
    return page(
        "organiser/accounts.html",
        form,
        scheme=found,
        may=may,
        accounts=pages.central_accounts(found),
    )


# Transfers


@bp.route("/transfers", endpoint="transfers")
@web.login_required
def transfers(scheme: str) -> Any:
    person, found = scheme_for(scheme, "transfers.read_all")
    account = request.args.get("account") or None
    rows, after = pages.transfers(found, account=account, cursor=request.args.get("cursor"))
    return page(
        "organiser/transfers.html",
        scheme=found,
        may=pages.may(person, found),
        transfers=rows,
        account=account,
        next_cursor=after,
    )


@bp.route("/transfers/new", methods=["GET", "POST"], endpoint="enter")
@web.login_required
def enter(scheme: str) -> Any:
    """Enter a cheque, voucher or paper slip: the form, then check your answers, then it
    is entered (once, whatever the clicks: the form carries the transfer's id)."""
    person, found = scheme_for(scheme, "transfers.enter_on_behalf")
    form = forms.EntryForm()
    if request.method == "GET":
        form.id.data = str(uuid.uuid4())
        form.payer.data = request.args.get("payer", "")
    elif form.validate_on_submit() and request.form.get("confirm") != "no":
        if request.form.get("confirm") != "yes":
            return page("organiser/enter_check.html", form, scheme=found)
        try:
            entered = pages.enter(person, found, form.data)
        except LetsError as error:
            refused(form, error, forms.AMOUNT_ERRORS)
        else:
            flash("The transfer is entered.", "success")
            return redirect(url_for(".transfer", scheme=scheme, transfer_id=entered["id"]))
    return page("organiser/enter.html", form, scheme=found)


@bp.route("/transfers/<transfer_id>", methods=["GET", "POST"], endpoint="transfer")
@web.login_required
def transfer(scheme: str, transfer_id: str) -> Any:
    person, found = scheme_for(scheme, "transfers.read_all")
    form = forms.CorrectionForm()
    if request.method == "GET":
        form.id.data = str(uuid.uuid4())
    else:
        person, found = scheme_for(scheme, "transfers.correct")
        if form.validate_on_submit():
            try:
                fix = pages.correct(person, found, transfer_id, form.data)
            except LetsError as error:
                refused(form, error, {**forms.AMOUNT_ERRORS, "transfer_not_posted": "amount"})
            else:
                flash("The correction is entered.", "success")
                return redirect(url_for(".transfer", scheme=scheme, transfer_id=fix["id"]))
    return page(
        "organiser/transfer.html",
        form,
        scheme=found,
        may=pages.may(person, found),
        transfer=pages.transfer(found, transfer_id),
    )


# Imports: a dry run first, then the same files written


@bp.route("/imports", methods=["GET", "POST"], endpoint="imports")
@web.login_required
def imports(scheme: str) -> Any:
    person, found = scheme_for(scheme, "imports.run")
    form = forms.ImportForm()
    if form.validate_on_submit():
        accounts = form.accounts.data.read()
        offers = form.offers.data.read() if form.offers.data else None
        return _checked(person, found, form, accounts, offers)
    return page("organiser/imports.html", form, scheme=found, done=pages.imports(found))


def _encoded(data: bytes | None) -> str:
    return base64.b64encode(data).decode() if data else ""


def _checked(
    person: Any, scheme: Any, form: FlaskForm, accounts: bytes, offers: bytes | None
) -> Any:
    """The dry run's answer: every problem row by row, or what would be written and the
    button that writes it (the files ride along in the form)."""
    try:
        summary = pages.run_import(person, scheme, accounts, offers, dry_run=True)
    except ImportInvalid as error:
        db.session.rollback()
        problems = error.extra.get("errors", [])
        return page(
            "organiser/import_problems.html",
            scheme=scheme,
            problems=problems,
            total=error.extra.get("errors_total", len(problems)),
            status=422,
        )
    except LetsError as error:
        refused(form, error, {"scheme_not_open": "accounts"})
        return page("organiser/imports.html", form, scheme=scheme, done=pages.imports(scheme))
    confirm = forms.ConfirmImportForm(
        formdata=None, accounts=_encoded(accounts), offers=_encoded(offers)
    )
    return page("organiser/import_check.html", scheme=scheme, summary=summary, confirm=confirm)


@bp.route("/imports/write", methods=["POST"], endpoint="import_write")
@web.login_required
def import_write(scheme: str) -> Any:
    person, found = scheme_for(scheme, "imports.run")
    confirm = forms.ConfirmImportForm()
    if not confirm.validate_on_submit() or not confirm.accounts.data:
        return redirect(url_for(".imports", scheme=scheme))
    accounts = base64.b64decode(confirm.accounts.data)
    offers = base64.b64decode(confirm.offers.data) if confirm.offers.data else None
    try:
        summary = pages.run_import(person, found, accounts, offers, dry_run=False)
    except LetsError:
        db.session.rollback()  # changed meanwhile: check again, and show why
        return _checked(person, found, forms.ImportForm(formdata=None), accounts, offers)
    return page("organiser/import_done.html", scheme=found, summary=summary)


# The audit log, OAuth clients


@bp.route("/audit", endpoint="audit")
@web.login_required
def audit(scheme: str) -> Any:
    _, found = scheme_for(scheme, "audit.read")
    before = request.args.get("before", type=int)
    entries = pages.audit(found, before=before)
    return page("organiser/audit.html", scheme=found, entries=entries)


@bp.route("/clients", methods=["GET", "POST"], endpoint="clients")
@web.login_required
def clients(scheme: str) -> Any:
    person, found = scheme_for(scheme, "oauth.clients.manage")
    form = forms.ClientForm()
    created = None
    if form.validate_on_submit():
        try:
            created = pages.register_client(person, found, form.data)
        except LetsError as error:
            refused(
                form,
                error,
                {"redirect_uri_invalid": "redirect_uris", "scope_invalid": "scopes"},
            )
        else:
            form = forms.ClientForm(formdata=None)
    return page(
        "organiser/clients.html", form, scheme=found, clients=pages.clients(found), created=created
    )
