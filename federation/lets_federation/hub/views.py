"""The national body's pages, ``/hub/...``, and the organisers' wind-up pages,
``/s/<scheme>/admin/wind-up``: glue between the forms and the operations the API calls
(``pages``). Only the national administrator sees the hub's pages (403 otherwise)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_wtf import FlaskForm

from lets_federation.hub import forms, pages
from lets_federation.migration.operations import READ
from lets_platform import permissions, web
from lets_platform.errors import LetsError
from lets_tenants.admin.views import page, refused
from lets_tenants.context import scheme_for

bp = Blueprint("national", __name__, template_folder="templates", url_prefix="/hub")
windup_bp = Blueprint(
    "organiser_windup", __name__, template_folder="templates", url_prefix="/s/<scheme>/admin"
)

NAV = (
    web.Nav("Schemes", "national.overview", group="hub", action="scheme.provision", order=10),
    web.Nav("Networks", "national.networks", group="hub", action="scheme.provision", order=20),
    web.Nav("Rates", "national.rates", group="hub", action="scheme.provision", order=30),
    web.Nav("Limits", "national.limits", group="hub", action="scheme.provision", order=40),
    web.Nav("Clearing", "national.clearing", group="hub", action="scheme.provision", order=50),
    web.Nav("Pools", "national.pools", group="hub", action="scheme.provision", order=60),
)
#: How often a running migration's page reloads itself (the ``Refresh`` header: no script).
REFRESH_SECONDS = 3

WINDUP_NAV = (
    web.Nav(
        "Wind-up",
        "organiser_windup.status",
        group="organiser",
        action="windup.read",
        order=90,
        when=lambda _person, place: place is not None and place.status != "active",
    ),
)


def _national() -> Any:
    person = web.signed_in()
    pages.national_body(person)
    return person


# Schemes


@bp.route("/", endpoint="overview")
@web.login_required
def overview() -> Any:
    _national()
    runs = pages.clearing_runs(limit=1)
    return page(
        "national/overview.html",
        schemes=pages.schemes(),
        positions=pages.positions_chart(),
        last_run=runs[0] if runs else None,
    )


@bp.route("/schemes/new", methods=["GET", "POST"], endpoint="provision")
@web.login_required
def provision() -> Any:
    person = _national()
    form = forms.ProvisionForm()
    form.network.choices = [("", "None"), *pages.network_choices()]
    if request.method == "GET" and request.args.get("network"):
        form.network.data = request.args["network"]
    if form.validate_on_submit():
        try:
            made = pages.provision(person, form.data)
        except LetsError as error:
            refused(form, error, forms.PROVISION_ERRORS)
        else:
            flash(f"{made.name} is provisioned.", "success")
            return redirect(url_for(".scheme", slug=made.slug))
    return page("national/provision.html", form)


@bp.route("/schemes/<slug>", endpoint="scheme")
@web.login_required
def scheme(slug: str) -> Any:
    """The scheme's console: its rate and limits, its wind-up and migration, merging."""
    person = _national()
    return _console(person, slug)


def _console(person: Any, slug: str, **given: FlaskForm) -> Any:
    shown = pages.scheme(slug)
    merge = given.get("merge") or forms.MergeForm(formdata=None)
    merge.into.choices = pages.merge_choices(slug)
    values = {
        "decide": forms.WindUpForm(formdata=None),
        "migrate": forms.MigrateForm(formdata=None),
        **given,
        "merge": merge,
    }
    failed = next((f for f in given.values() if f.errors or f.form_errors), None)
    wind_up = pages.wind_up(slug)
    return page(
        "national/scheme.html",
        failed,
        scheme=shown,
        wind_up=wind_up,
        trend=pages.trend_chart(wind_up) if wind_up else None,
        progress=pages.progress(person, slug),
        **values,
    )


@bp.route("/schemes/<slug>/wind-up", methods=["POST"], endpoint="decide")
@web.login_required
def decide(slug: str) -> Any:
    person = _national()
    form = forms.WindUpForm()
    if form.validate_on_submit():
        try:
            pages.decide(person, slug, form.data)
        except LetsError as error:
            refused(form, error, forms.WIND_UP_ERRORS)
        else:
            flash("The wind-up is recorded; every member is sent a notice.", "success")
            return redirect(url_for(".scheme", slug=slug))
    return _console(person, slug, decide=form)


@bp.route("/schemes/<slug>/migrate", methods=["POST"], endpoint="migrate")
@web.login_required
def migrate(slug: str) -> Any:
    person = _national()
    form = forms.MigrateForm()
    if form.validate_on_submit():
        try:
            pages.start_migration(person, slug, form.data)
        except LetsError as error:
            refused(form, error, forms.MIGRATE_ERRORS)
        else:
            return redirect(url_for(".migration", slug=slug))
    return _console(person, slug, migrate=form)


@bp.route("/schemes/<slug>/merge", methods=["POST"], endpoint="merge")
@web.login_required
def merge(slug: str) -> Any:
    person = _national()
    form = forms.MergeForm()
    form.into.choices = pages.merge_choices(slug)
    if form.validate_on_submit():
        try:
            pages.merge(person, slug, form.into.data)
        except LetsError as error:
            refused(form, error, forms.MERGE_ERRORS)
        else:
            return redirect(url_for(".migration", slug=slug))
    return _console(person, slug, merge=form)


@bp.route("/schemes/<slug>/migration", endpoint="migration")
@web.login_required
def migration(slug: str) -> Any:
    """A migration's progress: the page reloads itself (no script) until it is done, then
    shows the closure report."""
    person = _national()
    progress = pages.progress(person, slug)
    finished = progress is not None and progress["state"] == "finished"
    report = pages.report(person, slug) if finished else None
    body, status = page("national/migration.html", slug=slug, progress=progress, report=report)
    running = progress is not None and not finished
    return body, status, {"Refresh": str(REFRESH_SECONDS)} if running else {}


@bp.route("/schemes/<slug>/migration/report.csv", endpoint="report_csv")
@web.login_required
def report_csv(slug: str) -> Any:
    person = _national()
    return Response(
        pages.report_csv(person, slug),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{slug}-closure-report.csv"'},
    )


# Networks and regional organisers


@bp.route("/networks", methods=["GET", "POST"], endpoint="networks")
@web.login_required
def networks() -> Any:
    _national()
    form = forms.NetworkForm()
    if form.validate_on_submit():
        try:
            pages.create_network(form.data)
        except LetsError as error:
            refused(form, error, forms.NETWORK_ERRORS)
        else:
            flash(f"The network {form.name.data} is created.", "success")
            return redirect(url_for(".networks"))
    return _networks_page(form, forms.OrganiserForm(formdata=None), None)


def _networks_page(form: FlaskForm, organiser: FlaskForm, failed_network: str | None) -> Any:
    failed = form if (form.errors or form.form_errors) else organiser
    return page(
        "national/networks.html",
        failed if (failed.errors or failed.form_errors) else None,
        network_form=form,
        organiser=organiser,
        failed_network=failed_network,
        networks=pages.networks(),
    )


@bp.route("/networks/<network>/organisers", methods=["POST"], endpoint="appoint")
@web.login_required
def appoint(network: str) -> Any:
    person = _national()
    form = forms.OrganiserForm()
    if form.validate_on_submit():
        try:
            pages.appoint(person, network, form.email.data)
        except LetsError as error:
            refused(form, error, forms.ORGANISER_ERRORS)
        else:
            flash(f"{form.email.data} is a regional organiser of {network}.", "success")
            return redirect(url_for(".networks"))
    return _networks_page(forms.NetworkForm(formdata=None), form, network)


# Rates and limits


@bp.route("/rates", endpoint="rates")
@web.login_required
def rates() -> Any:
    _national()
    return page("national/rates.html", rates=pages.rates())


@bp.route("/rates/<slug>", methods=["GET", "POST"], endpoint="rate")
@web.login_required
def rate(slug: str) -> Any:
    person = _national()
    form = forms.RateForm()
    if form.validate_on_submit():
        try:
            pages.set_rate(person, slug, form.rate.data)
        except LetsError as error:
            refused(form, error, forms.RATE_ERRORS)
        else:
            flash(f"The rate of {slug} is now {form.rate.data.strip()}.", "success")
            return redirect(url_for(".rate", slug=slug))
    return page(
        "national/rate.html", form, scheme=pages.scheme(slug), history=pages.rate_history(slug)
    )


@bp.route("/limits", methods=["GET", "POST"], endpoint="limits")
@web.login_required
def limits() -> Any:
    person = _national()
    pair = forms.PairLimitForm()
    slugs = [(s["slug"], s["slug"]) for s in pages.schemes()]
    pair.first.choices = pair.second.choices = slugs
    if pair.validate_on_submit():
        try:
            pages.set_pair_limit(person, pair.data)
        except LetsError as error:
            refused(pair, error, forms.PAIR_ERRORS)
        else:
            flash("The pair limit is set.", "success")
            return redirect(url_for(".limits"))
    return page(
        "national/limits.html",
        pair,
        positions=pages.positions_chart(),
        pairs=pages.pairs(),
        pair=pair,
    )


@bp.route("/limits/<slug>", methods=["GET", "POST"], endpoint="scheme_limits")
@web.login_required
def scheme_limits(slug: str) -> Any:
    person = _national()
    current = next((p for p in pages.positions() if p["scheme"] == slug), None)
    form = forms.LimitsForm(
        data=None
        if current is None or request.method == "POST"
        else {"max_deficit": current["max_deficit"], "max_surplus": current["max_surplus"]}
    )
    if form.validate_on_submit():
        try:
            pages.set_limits(person, slug, form.data)
        except LetsError as error:
            refused(form, error, forms.LIMIT_ERRORS)
        else:
            flash(f"The limits of {slug} are set.", "success")
            return redirect(url_for(".limits"))
    return page("national/scheme_limits.html", form, slug=slug, position=current)


# Clearing


@bp.route("/clearing", methods=["GET", "POST"], endpoint="clearing")
@web.login_required
def clearing() -> Any:
    person = _national()
    form = forms.ClearingForm()
    if form.validate_on_submit():
        run = pages.run_clearing(person)
        flash("The clearing run is done.", "success")
        return redirect(url_for(".clearing_run", run_id=run["id"]))
    return page("national/clearing.html", runs=pages.clearing_runs(), run_form=form)


@bp.route("/clearing/<run_id>", endpoint="clearing_run")
@web.login_required
def clearing_run(run_id: str) -> Any:
    _national()
    run = pages.clearing_run(run_id)
    return page("national/clearing_run.html", run=run, flows=pages.flows_chart(run))


# Pools


@bp.route("/pools", methods=["GET", "POST"], endpoint="pools")
@web.login_required
def pools() -> Any:
    person = _national()
    form = forms.PoolForm()
    form.network.choices = pages.network_choices()
    if form.validate_on_submit():
        try:
            pool = pages.ensure_pool(person, form.network.data)
        except LetsError as error:
            refused(form, error, {"network_not_found": "network"})
        else:
            flash(f"The pool {pool.slug} is ready.", "success")
            return redirect(url_for(".pools"))
    return page("national/pools.html", form, pools=pages.pools())


@bp.route("/pools/<pool>/provision", methods=["GET", "POST"], endpoint="pool_provision")
@web.login_required
def pool_provision(pool: str) -> Any:
    person = _national()
    accounts = pages.pool_accounts(pool)
    form = forms.PoolProvisionForm()
    form.handles.choices = [
        (a["name"], f"{a['title']} ({a['name']}): {a['balance']}") for a in accounts
    ]
    if form.validate_on_submit():
        try:
            made, _ = pages.provision_from(person, pool, form.data)
        except LetsError as error:
            refused(
                form,
                error,
                {
                    **forms.PROVISION_ERRORS,
                    "member_not_found": "handles",
                    "pool_account_busy": "handles",
                },
            )
        else:
            flash(f"{made.name} is provisioned; its members are moving in.", "success")
            return redirect(url_for(".migration", slug=pool))
    return page("national/pool_provision.html", form, pool=pool, accounts=accounts)


# The organisers' wind-up page


@windup_bp.route("/wind-up", methods=["GET", "POST"], endpoint="status")
@web.login_required
def windup_status(scheme: str) -> Any:
    person, found = scheme_for(scheme, "windup.read")
    shown = pages.wind_up(scheme)
    form = forms.ChoiceForm()
    form.member.choices = [
        (c["member"], f"{c['display_name']} ({c['member']})")
        for c in (shown or {}).get("choices", [])
    ]
    form.destination.choices = pages.destination_choices(scheme)
    if request.method == "POST":
        scheme_for(scheme, "windup.choose_on_behalf")
        if form.validate_on_submit():
            try:
                pages.choose(person, scheme, form.data)
            except LetsError as error:
                refused(form, error, forms.CHOICE_ERRORS)
            else:
                flash(f"The choice of {form.member.data} is recorded.", "success")
                return redirect(url_for(".status", scheme=scheme))
    may_choose = permissions.can(person, "windup.choose_on_behalf", found.id)
    progress = pages.progress(person, scheme) if permissions.can(person, READ, found.id) else None
    return page(
        "organiser/wind_up.html",
        form,
        scheme=found,
        wind_up=shown,
        trend=pages.trend_chart(shown) if shown else None,
        progress=progress,
        may_choose=may_choose,
    )
