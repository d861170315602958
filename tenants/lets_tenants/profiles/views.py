"""Profile pages: a member's profile as the viewer may see it (with feedback and
listings), and the member's own page to change it and its photo."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from lets_platform import web
from lets_platform.errors import LetsError
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.context import scheme_for
from lets_tenants.directory import operations as listings
from lets_tenants.directory.forms import refuse
from lets_tenants.directory.viewer import viewer_in
from lets_tenants.feedback.operations import feedback_on
from lets_tenants.membership.operations import MemberNotFound, get_member, membership_of
from lets_tenants.profiles import operations as ops
from lets_tenants.profiles.models import FIELDS

bp = Blueprint("profiles", __name__, template_folder="templates", url_prefix="/s/<scheme>")
NAV = (web.Nav("My profile", "profiles.edit", order=22),)

AUDIENCE_CHOICES = [
    SelectChoice("private", "Only me and the directory editor"),
    SelectChoice("scheme", "Members of this scheme"),
    SelectChoice("federation", "Members of every scheme"),
    SelectChoice("public", "Anyone"),
]
LABELS = {
    "area": "Area",
    "about": "About me",
    "skills": "Skills",
    "contact": "Contact details",
    "photo": "Photo",
}


class ProfileForm(FlaskForm):
    display_name = StringField("Your name")
    area = StringField("Area or neighbourhood")
    about = TextAreaField("About me", render_kw={"rows": 4})
    skills = TextAreaField("Skills", render_kw={"rows": 2})
    contact = TextAreaField("Contact details", render_kw={"rows": 2})
    show_area = RadioField("Who sees your area?", choices=AUDIENCE_CHOICES)
    show_about = RadioField("Who sees “About me”?", choices=AUDIENCE_CHOICES)
    show_skills = RadioField("Who sees your skills?", choices=AUDIENCE_CHOICES)
    show_contact = RadioField("Who sees your contact details?", choices=AUDIENCE_CHOICES)
    show_photo = RadioField("Who sees your photo?", choices=AUDIENCE_CHOICES)


class PhotoForm(FlaskForm):
    photo = FileField("A photo of you (JPEG, PNG or WebP, at most 5 MB)")


@bp.route("/members/<handle>")
def show(scheme: str, handle: str) -> Any:
    """Anyone sees what the member chose to show them (the public: public fields only)."""
    person = web.current_person()
    found = get_scheme(scheme)
    member = get_member(found, handle)
    viewer = viewer_in(person, found)
    view = ops.view_profile(found, member, viewer)
    rows: list[Any] = []
    if person is not None:
        rows, _ = listings.list_listings(found, viewer, owner=handle, limit=50)
    return render_template(
        "profiles/show.html",
        scheme=found,
        view=view,
        listings=rows,
        feedback=feedback_on(member) if person is not None else [],
        labels=LABELS,
    )


@bp.route("/members/<handle>/photo")
def photo(scheme: str, handle: str) -> Response:
    found = get_scheme(scheme)
    data = ops.photo_bytes(found, get_member(found, handle), viewer_in(web.current_person(), found))
    if data is None:
        abort(404)
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "private, max-age=300"})


def _mine(scheme: str) -> tuple[Any, Any, Any]:
    person, found = scheme_for(scheme, "directory.read")
    member = membership_of(person, found)
    if member is None:
        raise MemberNotFound(f"You are not a member of {scheme}.")
    return person, found, member


@bp.route("/profile", methods=["GET", "POST"])
@web.login_required
def edit(scheme: str) -> Any:
    person, found, member = _mine(scheme)
    viewer = viewer_in(person, found)
    form, photo_form = ProfileForm(), PhotoForm()
    profile = ops.profile_of(member)
    audience = ops.audience_of(profile)
    if request.method == "GET":
        form.display_name.data = member.display_name
        for f in ("area", "about", "skills", "contact"):
            form[f].data = getattr(profile, f) if profile else ""
        for f in FIELDS:
            form[f"show_{f}"].data = audience[f]
    elif form.validate_on_submit():
        changes = {
            f: form[f].data or "" for f in ("display_name", "area", "about", "skills", "contact")
        }
        chosen = {f: form[f"show_{f}"].data for f in FIELDS if form[f"show_{f}"].data}
        try:
            ops.update_profile(member, viewer, changes, chosen)
        except LetsError as error:
            refuse(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("profiles.show", scheme=found.slug, handle=member.handle))
        return render_template(
            "profiles/edit.html",
            scheme=found,
            form=form,
            photo_form=photo_form,
            member=member,
            profile=profile,
        ), 422
    return render_template(
        "profiles/edit.html",
        scheme=found,
        form=form,
        photo_form=photo_form,
        member=member,
        profile=profile,
    )


@bp.route("/profile/photo", methods=["POST"])
@web.login_required
def upload_photo(scheme: str) -> Any:
    person, found, member = _mine(scheme)
    form, photo_form = ProfileForm(), PhotoForm()
    upload = request.files.get("photo")
    try:
        if upload is None or not upload.filename:
            raise ops.PhotoTypeInvalid(
                "Choose a photo to upload.", errors={"photo": ["Choose a photo to upload."]}
            )
        try:
            data = upload.read(ops.photo_read_limit())
        finally:
            upload.close()
        ops.set_photo(member, viewer_in(person, found), data)
    except LetsError as error:
        refuse(photo_form, error)
        profile = ops.profile_of(member)
        audience = ops.audience_of(profile)
        form.display_name.data = member.display_name
        for f in ("area", "about", "skills", "contact"):
            form[f].data = getattr(profile, f) if profile else ""
        for f in FIELDS:
            form[f"show_{f}"].data = audience[f]
        return render_template(
            "profiles/edit.html",
            scheme=found,
            form=form,
            photo_form=photo_form,
            member=member,
            profile=profile,
        ), 422
    flash("Your photo is saved.", "success")
    return redirect(url_for("profiles.edit", scheme=found.slug))
