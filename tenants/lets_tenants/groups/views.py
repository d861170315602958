"""Group pages: the scheme's groups (create one, join an open one), a group's page
(members, invite, leave)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from lets_platform import web
from lets_platform.errors import LetsError
from lets_tenants.context import scheme_for
from lets_tenants.directory.forms import refuse
from lets_tenants.groups import operations as ops
from lets_tenants.membership.operations import MemberNotFound, membership_of

bp = Blueprint("groups", __name__, template_folder="templates", url_prefix="/s/<scheme>")
NAV = (web.Nav("Groups", "groups.index", order=24),)


class GroupForm(FlaskForm):
    name = StringField("Name of the group")
    description = TextAreaField("What is it for? (optional)", render_kw={"rows": 3})
    visibility = RadioField(
        "Who may join?",
        choices=[
            SelectChoice("open", "Any member of the scheme"),
            SelectChoice("invite", "Only those invited"),
        ],
        default="open",
    )


def _me(scheme: str) -> tuple[Any, Any, Any]:
    person, found = scheme_for(scheme, "directory.read")
    member = membership_of(person, found)
    if member is None:
        raise MemberNotFound(f"You are not a member of {scheme}.")
    return person, found, member


@bp.route("/groups", methods=["GET", "POST"])
@web.login_required
def index(scheme: str) -> Any:
    person, found, member = _me(scheme)
    form = GroupForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            group = ops.create_group(
                found,
                member,
                name=form.name.data or "",
                description=form.description.data or "",
                visibility=form.visibility.data or "open",
            )
        except LetsError as error:
            refuse(form, error)
            status = 422
        else:
            flash(f"The group “{group.name}” is made.", "success")
            return redirect(url_for("groups.show", scheme=found.slug, group_id=group.id))
    groups = ops.list_groups(found, member)
    return render_template("groups/index.html", scheme=found, groups=groups, form=form), status


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@web.login_required
def show(scheme: str, group_id: int) -> Any:
    person, found, member = _me(scheme)
    group = ops.get_group(found, group_id, member)
    if request.method == "POST":
        handle = request.form.get("handle", "").strip() or member.handle
        try:
            if request.form.get("leave"):
                ops.leave_group(found, group, member)
                flash(f"You have left “{group.name}”.", "success")
                return redirect(url_for("groups.index", scheme=found.slug))
            ops.add_to_group(found, group, member, handle, by=person)
        except LetsError as error:
            flash(error.detail, "warning")
        else:
            flash(
                "You have joined." if handle == member.handle else f"{handle} is invited.",
                "success",
            )
        return redirect(url_for("groups.show", scheme=found.slug, group_id=group.id))
    state = ops.state_of(group, member)
    members = ops.group_members(group) if state == "member" else []
    return render_template(
        "groups/show.html", scheme=found, group=group, state=state, members=members
    )
