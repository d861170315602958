"""The scheme's page: a member's dashboard when they are signed in, else its public page;
and the member's profile."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from lets_platform import web
from lets_platform.errors import LetsError
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import get_account
from lets_tenants.context import scheme_for
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import (
    MemberNotFound,
    membership_of,
    rename_member,
    role_holders,
)
from lets_tenants.pages import dashboard

bp = Blueprint("member", __name__, template_folder="templates", url_prefix="/s/<scheme>")

NAV = (
    web.Nav("Home", "member.dashboard", order=10),
    web.Nav("Pay", "pay.pay", action="transfers.pay_own", order=20),
    web.Nav("Invoices", "invoices_pages.index", order=30),
    web.Nav("Statement", "statement.statement", order=40),
    web.Nav("Membership", "member.profile", order=90),
)

#: Roles whose holders a scheme's public page names as its contacts.
CONTACT_ROLES = ("organiser", "coordinator", "membership_secretary", "secretary")


def my_account(slug: str, action: str = "scheme.read") -> tuple[Any, Scheme, Membership, Account]:
    """The signed-in member, the scheme, their membership and their account there; a
    person who is not a member there gets the page's 404 (as the API's ``not found``)."""
    person, scheme = scheme_for(slug, action)
    membership = membership_of(person, scheme)
    if membership is None or membership.status != "active":
        raise MemberNotFound(f"You are not a member of {slug}.")
    return person, scheme, membership, get_account(scheme, membership.handle)


@bp.route("/", endpoint="dashboard")
def dashboard_or_public(scheme: str) -> Any:
    person = web.current_person()
    found = get_scheme(scheme)
    if person is not None and membership_of(person, found) is not None:
        return dashboard_page(scheme)
    return public_page(found)


def dashboard_page(slug: str) -> Any:
    person, scheme, membership, account = my_account(slug)
    return render_template(
        "member/dashboard.html",
        scheme=scheme,
        membership=membership,
        summary=dashboard.summary(scheme, account),
        panels=dashboard.panels(person, scheme, account),
    )


def public_page(scheme: Scheme) -> Any:
    holders = role_holders(scheme)
    contacts = [(m, grant.role) for m, grant in holders if grant.role in CONTACT_ROLES]
    return render_template("member/public.html", scheme=scheme, contacts=contacts)


class NameForm(FlaskForm):
    display_name = StringField(
        "Your name in this scheme",
        validators=[
            InputRequired("Enter your name"),
            Length(max=120, message="Write at most 120 characters"),
        ],
        render_kw={"autocomplete": "name"},
    )


@bp.route("/membership", methods=["GET", "POST"])
@web.login_required
def profile(scheme: str) -> Any:
    """The membership: name, handle, roles and limits; the member changes their name here
    (the community profile, with area, skills and photo, is ``profiles.edit``)."""
    person, found, membership, account = my_account(scheme)
    form = NameForm(data={"display_name": membership.display_name})
    if form.validate_on_submit():
        try:
            rename_member(membership, form.display_name.data or "", actor=person)
        except LetsError as error:
            web.refuse(form, error, {"validation_failed": "display_name"})
        else:
            flash("Your name is changed.", "success")
            return redirect(url_for("member.profile", scheme=found.slug))
    place = web.current_place()
    page = render_template(
        "member/profile.html",
        scheme=found,
        membership=membership,
        account=account,
        person=person,
        roles=sorted(place.roles) if place else [],
        form=form,
    )
    return page, (422 if form.is_submitted() else 200)
