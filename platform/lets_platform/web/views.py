"""Sign in and out, the scheme switcher, and the person's account page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired

from lets_platform.db import db
from lets_platform.identity import operations as identity
from lets_platform.ratelimit import LOGIN, limited
from lets_platform.web import access, nav, sessions
from lets_platform.web.access import login_required

bp = Blueprint("web", __name__, template_folder="templates")

#: The account page is linked from the header (the person's name) on every page.
NAV: tuple[nav.Nav, ...] = ()


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[InputRequired("Enter your email address")],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password")],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


def _login_page(form: LoginForm, status: int = 200) -> Any:
    person = access.current_person()
    return render_template("web/login.html", form=form, person=person), status


@bp.route("/login", methods=["GET"])
def login() -> Any:
    form = LoginForm(formdata=None, next=sessions.safe_next(request.args.get("next")) or "")
    return _login_page(form)


def _login_page_refusal(message: str) -> str:
    """The login page again, saying why (too many tries from this address)."""
    form = LoginForm()
    form.form_errors.append(message)
    page: str = render_template("web/login.html", form=form, person=None)
    return page


@bp.route("/login", methods=["POST"])
@limited(LOGIN, answer=_login_page_refusal)
def login_submit() -> Any:
    form = LoginForm()
    target = sessions.safe_next(form.next.data)
    if not form.validate():
        return _login_page(form, 422)
    try:
        person = identity.log_in(form.email.data or "", form.password.data or "")
    except identity.LoginRefused as refused:
        db.session.commit()  # the failure count, lock-out and audit entries stay
        form.form_errors.append(refused.detail)
        return _login_page(form, 401)
    sessions.start(person)
    return redirect(target or _after_sign_in(person))


def _after_sign_in(person: Any) -> str:
    """A member goes to their scheme's dashboard; anyone else to their account page."""
    mine = nav.places(person)
    return nav.scheme_home(mine[0].slug) if mine else url_for("web.account")


@bp.route("/start")
@login_required
def after_sign_in() -> Any:
    """Where one lands after signing in by other means (an invitation, a reset)."""
    return redirect(_after_sign_in(access.signed_in()))


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    sessions.end()
    return redirect(url_for("web.login"))


@bp.route("/switch")
@login_required
def switch() -> Any:
    """The scheme switcher (a GET form, so it works without JavaScript): the same page in
    the other scheme, else its dashboard."""
    slug = request.args.get("scheme", "")
    if slug not in {place.slug for place in access.places()}:
        abort(404)
    return redirect(_same_page(request.args.get("page"), slug) or nav.scheme_home(slug))


def _same_page(endpoint: str | None, slug: str) -> str | None:
    """The page of the same kind in the other scheme (a statement for a statement), if
    ``endpoint`` is a page that takes the scheme alone."""
    if not endpoint or endpoint not in current_app.view_functions:
        return None
    try:
        target: str = url_for(endpoint, scheme=slug)
    except BuildError:
        return None
    return target if "?" not in target else None


@bp.route("/account")
@login_required
def account() -> Any:
    return render_template("web/account.html", person=access.signed_in(), places=access.places())
