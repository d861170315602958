"""The directory's pages: browse and search (this scheme or every scheme), a listing with
its message and report forms, my listings (new, edit, renew, withdraw), and the
moderation queue. Glue over the operations the API calls."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from lets_platform import permissions, web
from lets_platform.errors import LetsError
from lets_platform.money import format_amount
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.context import scheme_for
from lets_tenants.directory import categories as cats
from lets_tenants.directory import operations as ops
from lets_tenants.directory import printable
from lets_tenants.directory import search as finder
from lets_tenants.directory.forms import (
    ListingForm,
    MessageForm,
    PrintForm,
    ReportForm,
    ResolveForm,
    refuse,
)
from lets_tenants.directory.models import Listing
from lets_tenants.directory.operations import ListingFields
from lets_tenants.directory.text import render_markdown
from lets_tenants.directory.viewer import EDIT_ANY, viewer_everywhere, viewer_in
from lets_tenants.groups.operations import list_groups
from lets_tenants.membership.operations import membership_of
from lets_tenants.messages.operations import send_message
from lets_tenants.moderation import operations as moderation

bp = Blueprint("directory", __name__, template_folder="templates", url_prefix="/s/<scheme>")

NAV = (
    web.Nav("Directory", "directory.browse", order=20),
    web.Nav("My listings", "directory.mine", order=21),
    web.Nav("Reports", "directory.reports", group="organiser", action="directory.moderate"),
    web.Nav(
        "Printable directory",
        "directory.printable_page",
        group="organiser",
        action="directory.print",
    ),
)


@bp.app_template_filter("price")
def _price(minor: int, decimals: int, unit: str) -> str:
    return f"{format_amount(minor, decimals)} {unit}"


@bp.app_template_filter("markdown")
def _markdown(text: str) -> Any:
    return render_markdown(text)


@bp.route("/directory")
@web.login_required
def browse(scheme: str) -> Any:
    person = web.signed_in()
    found = get_scheme(scheme)
    everywhere = request.args.get("where") == "all"
    filters = finder.Filters(
        q=request.args.get("q", ""),
        kind=request.args.get("kind") or None,
        category=request.args.get("category") or None,
        area=request.args.get("area") or None,
        scheme=None if everywhere else found.slug,
    )
    if everywhere:
        scope.allow_all()
        viewer = viewer_everywhere(person)
    else:
        viewer = viewer_in(person, found)
    try:
        hits, cursor = finder.search(viewer, filters, limit=20, cursor=request.args.get("cursor"))
    except LetsError:
        abort(400)
    return render_template(
        "directory/browse.html",
        scheme=found,
        hits=hits,
        cursor=cursor,
        filters=filters,
        everywhere=everywhere,
        categories=cats.list_categories(found),
    )


def _listing_page(found: Scheme, listing: Listing, form: MessageForm, status: int = 200) -> Any:
    person = web.signed_in()
    viewer = viewer_in(person, found)
    mine = viewer.member_id(found.id) == listing.membership_id
    return (
        render_template(
            "directory/listing.html",
            scheme=found,
            listing=listing,
            form=form,
            mine=mine,
            may_edit=mine or viewer.may_edit(found.id),
        ),
        status,
    )


@bp.route("/directory/listings/<int:listing_id>", methods=["GET", "POST"])
@web.login_required
def listing(scheme: str, listing_id: int) -> Any:
    """A listing; others message its owner from here (across schemes too)."""
    person = web.signed_in()
    found = get_scheme(scheme)
    item = ops.get_listing(found, listing_id, viewer_in(person, found))
    form = MessageForm()
    if request.method == "POST" and form.validate_on_submit():
        scope.allow_all()  # a message may cross schemes
        owner = f"{found.slug}/{item.owner.handle}"
        try:
            send_message(
                person,
                to=owner,
                body=form.body.data or "",
                subject=form.subject.data or "",
                listing=item.id,
            )
        except LetsError as error:
            refuse(form, error)
            return _listing_page(found, item, form, 422)
        flash(f"Your message to {item.owner.display_name} has been sent.", "success")
        return redirect(_conversation_url(owner))
    if not form.subject.data:
        form.subject.data = f"About your {item.kind}: {item.title}"[:120]
    return _listing_page(found, item, form)


def _form(found: Scheme, person: Any, listing: Listing | None = None) -> ListingForm:
    form = ListingForm(obj=None)
    form.category.choices = [
        SelectChoice(c.slug, ("— " if c.parent_id else "") + c.name)
        for c in cats.list_categories(found)
    ]
    member = membership_of(person, found)
    groups = list_groups(found, member) if member else []
    form.group.choices = [SelectChoice("", "No group")] + [
        SelectChoice(str(g.id), g.name) for g, state in groups if state == "member"
    ]
    if listing is not None and request.method == "GET":
        form.kind.data = listing.kind
        form.title.data = listing.title
        form.description.data = listing.description
        form.category.data = listing.category.slug
        price = listing.price
        form.price.data = "" if price is None else format_amount(price, found.currency_decimals)
        form.per_hour.data = listing.per_hour
        form.area.data = listing.area
        form.tags.data = ", ".join(listing.tags.split())
        form.visibility.data = listing.visibility
        form.group.data = str(listing.group_id or "")
        form.expires_on.data = listing.expires_on
    return form


def _fields(form: ListingForm) -> ListingFields:
    tags = [t.strip() for t in (form.tags.data or "").replace(",", " ").split() if t.strip()]
    return ListingFields(
        kind=form.kind.data,
        title=form.title.data or "",
        description=form.description.data or "",
        category=form.category.data or "",
        price=form.price.data or "",
        per_hour=bool(form.per_hour.data),
        area=form.area.data or "",
        tags=tags,
        visibility=form.visibility.data,
        group=int(form.group.data) if form.group.data else None,
        expires_on=form.expires_on.data,
    )


@bp.route("/directory/new", methods=["GET", "POST"])
@web.login_required
def new(scheme: str) -> Any:
    person, found = scheme_for(scheme, "directory.read")
    form = _form(found, person)
    editor = permissions.can(person, EDIT_ANY, found.id)
    if request.method == "POST" and form.validate_on_submit():
        try:
            made = ops.create_listing(
                found,
                _fields(form),
                actor=person,
                viewer=viewer_in(person, found),
                owner=(form.owner.data or None) if editor else None,
            )
        except LetsError as error:
            refuse(form, error)
        else:
            flash(f"Your {made.kind} “{made.title}” is listed.", "success")
            return redirect(url_for("directory.listing", scheme=found.slug, listing_id=made.id))
        return render_template(
            "directory/edit.html", scheme=found, form=form, editor=editor, listing=None
        ), 422
    return render_template(
        "directory/edit.html", scheme=found, form=form, editor=editor, listing=None
    )


@bp.route("/directory/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@web.login_required
def edit(scheme: str, listing_id: int) -> Any:
    person, found = scheme_for(scheme, "directory.read")
    viewer = viewer_in(person, found)
    item = ops.get_listing(found, listing_id, viewer)
    ops.require_change(person, viewer, item)
    form = _form(found, person, item)
    if request.method == "POST" and form.validate_on_submit():
        try:
            ops.update_listing(found, item, _fields(form), actor=person, viewer=viewer)
        except LetsError as error:
            refuse(form, error)
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for("directory.listing", scheme=found.slug, listing_id=item.id))
        return render_template(
            "directory/edit.html", scheme=found, form=form, editor=False, listing=item
        ), 422
    return render_template(
        "directory/edit.html", scheme=found, form=form, editor=False, listing=item
    )


@bp.route("/directory/listings/<int:listing_id>/renew", methods=["POST"])
@web.login_required
def renew(scheme: str, listing_id: int) -> Any:
    person, found = scheme_for(scheme, "directory.read")
    viewer = viewer_in(person, found)
    item = ops.renew_listing(
        found, ops.get_listing(found, listing_id, viewer), actor=person, viewer=viewer
    )
    flash(f"“{item.title}” is listed until {item.expires_on:%d %B %Y}.", "success")
    return redirect(request.form.get("next") or url_for("directory.mine", scheme=found.slug))


@bp.route("/directory/listings/<int:listing_id>/withdraw", methods=["POST"])
@web.login_required
def withdraw(scheme: str, listing_id: int) -> Any:
    person, found = scheme_for(scheme, "directory.read")
    viewer = viewer_in(person, found)
    item = ops.get_listing(found, listing_id, viewer)
    title = item.title
    ops.delete_listing(found, item, actor=person, viewer=viewer)
    flash(f"“{title}” is withdrawn.", "success")
    return redirect(url_for("directory.mine", scheme=found.slug))


@bp.route("/directory/mine")
@web.login_required
def mine(scheme: str) -> Any:
    person, found = scheme_for(scheme, "directory.read")
    member = membership_of(person, found)
    viewer = viewer_in(person, found)
    rows: list[Listing] = []
    if member is not None:
        rows, _ = ops.list_listings(found, viewer, owner=member.handle, limit=200)
    return render_template("directory/mine.html", scheme=found, listings=rows, member=member)


@bp.route("/report", methods=["GET", "POST"])
@web.login_required
def report(scheme: str) -> Any:
    """Report a listing, event, message or profile of this scheme to its moderators."""
    person = web.signed_in()
    found = get_scheme(scheme)
    kind, ref = request.args.get("subject", ""), request.args.get("id", "")
    form = ReportForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            moderation.report(
                found,
                person,
                viewer_in(person, found),
                subject=kind,
                ref=ref,
                reason=form.reason.data or "",
            )
        except LetsError as error:
            refuse(form, error)
        else:
            flash("Thank you: the directory editor will look at it.", "success")
            return redirect(url_for("directory.browse", scheme=found.slug))
        return render_template(
            "directory/report.html", scheme=found, form=form, kind=kind, ref=ref
        ), 422
    return render_template("directory/report.html", scheme=found, form=form, kind=kind, ref=ref)


@bp.route("/directory/reports", methods=["GET"])
@web.login_required
def reports(scheme: str) -> Any:
    _, found = scheme_for(scheme, "directory.moderate")
    items = [(r, moderation.subject_of(r, found)) for r in moderation.list_reports(found)]
    return render_template("directory/reports.html", scheme=found, items=items, form=ResolveForm())


@bp.route("/directory/reports/<int:report_id>", methods=["POST"])
@web.login_required
def resolve(scheme: str, report_id: int) -> Any:
    person, found = scheme_for(scheme, "directory.moderate")
    form = ResolveForm()
    action = request.form.get("action", "")
    if form.validate_on_submit():
        try:
            moderation.resolve(found, report_id, person, action=action, note=form.note.data or "")
        except LetsError as error:
            flash(error.detail, "warning")
            return redirect(url_for("directory.reports", scheme=found.slug))
        flash(
            {
                "hide": "Hidden; the author is told.",
                "contact": "The author is contacted.",
                "dismiss": "Dismissed.",
            }.get(action, "Done."),
            "success",
        )
    return redirect(url_for("directory.reports", scheme=found.slug))


def _conversation_url(member: str) -> str:
    """The conversation page with ``member`` (``with`` is a keyword in Python)."""
    return url_for("messages.conversation") + "?" + urlencode({"with": member})


@bp.route("/directory/print", methods=["GET", "POST"])
@web.login_required
def printable_page(scheme: str) -> Any:
    """The printable directory: the file at once for a small scheme; for a large one a job
    makes it and this page shows how far it got."""
    person, found = scheme_for(scheme, "directory.print")
    if request.method == "POST" and PrintForm().validate_on_submit():
        fmt = request.form.get("format", "pdf")
        try:
            printable.check_format(fmt)
        except LetsError:
            abort(400)
        if not printable.needs_job(found):
            data = printable.RENDER[fmt](found)
            return Response(
                data,
                mimetype=printable.MIMETYPES[fmt],
                headers={
                    "Content-Disposition": f'attachment; filename="{found.slug}-directory.{fmt}"'
                },
            )
        printable.request_export(found, fmt, person)
        flash("The directory is being made; this page shows how far it got.", "success")
        return redirect(url_for("directory.printable_page", scheme=found.slug))
    exports = printable.recent_exports(found)
    return render_template("directory/print.html", scheme=found, exports=exports, form=PrintForm())


@bp.route("/directory/print/<int:export_id>")
@web.login_required
def printable_file(scheme: str, export_id: int) -> Any:
    _, found = scheme_for(scheme, "directory.print")
    export = printable.get_export(found, export_id)
    return Response(
        printable.export_file(export),
        mimetype=printable.MIMETYPES[export.format],
        headers={
            "Content-Disposition": f'attachment; filename="{found.slug}-directory.{export.format}"'
        },
    )
