"""Pages for one's own sign-in: accept an invitation, forgotten password and reset,
change password, change email (confirmed from the new address).

Glue over ``lets_platform.identity.links``: each page checks its form, calls one
operation, and shows the named error beside its field.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Regexp

from lets_platform.errors import LetsError
from lets_platform.identity import links
from lets_platform.identity.models import Person
from lets_platform.ratelimit import PASSWORD_RESET, limited
from lets_platform.web import sessions
from lets_platform.web.access import login_required, signed_in
from lets_platform.web.forms import refuse

bp = Blueprint("signin", __name__, template_folder="templates")

#: Plain words for the refusals of these pages (passed to ``refuse``).
WORDS = {
    "password_too_short": f"Choose a password of at least {links.MIN_PASSWORD} characters",
    "password_wrong": "The password is not right",
    "person_exists": "Another person uses this email address",
}
#: Named errors of these pages -> the field they concern.
FIELDS = {
    "password_too_short": "password",
    "person_exists": "email",
    "validation_failed": "email",
}

_NEW_PASSWORD = {"autocomplete": "new-password"}
#: What an email address looks like (the operation checks it again, whole).
LOOKS_LIKE_EMAIL = Regexp(
    r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$", message="Enter an email address like name@example.org"
)


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "Choose a password",
        validators=[InputRequired("Choose a password")],
        render_kw=_NEW_PASSWORD,
    )
    confirm = PasswordField(
        "Type it again",
        validators=[
            InputRequired("Type the password again"),
            EqualTo("password", "The two passwords are not the same"),
        ],
        render_kw=_NEW_PASSWORD,
    )


class ForgottenForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[InputRequired("Enter your email address")],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Your current password",
        validators=[InputRequired("Enter your current password")],
        render_kw={"autocomplete": "current-password"},
    )


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        "New email address",
        validators=[InputRequired("Enter the new email address"), LOOKS_LIKE_EMAIL],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        "Your password",
        validators=[InputRequired("Enter your password")],
        render_kw={"autocomplete": "current-password"},
    )


def _password_page(form: NewPasswordForm, title: str, intro: str, status: int = 200) -> Any:
    page = render_template("web/new_password.html", form=form, title=title, intro=intro)
    return page, status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str) -> Any:
    """The link of an invitation: choose a first password, then be signed in."""
    link = links.find(token, links.INVITATION)
    form = NewPasswordForm()
    intro = f"Welcome, {link.person.display_name}. Choose a password to sign in with {link.email}."
    if not form.validate_on_submit():
        return _password_page(form, "Set your password", intro, 422 if form.is_submitted() else 200)
    try:
        person = links.accept_invitation(token, form.password.data or "")
    except LetsError as error:
        refuse(form, error, FIELDS, WORDS)
        return _password_page(form, "Set your password", intro, 422)
    return _signed_in_now(person, "Your password is set. You are signed in.")


@bp.route("/forgotten-password", methods=["GET"])
def forgotten() -> Any:
    return render_template("web/forgotten.html", form=ForgottenForm())


@bp.route("/forgotten-password", methods=["POST"])
@limited(PASSWORD_RESET, answer=lambda message: _forgotten_refusal(message))
def forgotten_submit() -> Any:
    form = ForgottenForm()
    if not form.validate():
        return render_template("web/forgotten.html", form=form), 422
    links.request_password_reset(form.email.data or "")
    # the same answer whether or not anyone has this address
    return render_template("web/forgotten_sent.html", email=form.email.data)


def _forgotten_refusal(message: str) -> str:
    form = ForgottenForm()
    form.form_errors.append(message)
    page: str = render_template("web/forgotten.html", form=form)
    return page


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset(token: str) -> Any:
    link = links.find(token, links.PASSWORD_RESET)
    form = NewPasswordForm()
    intro = f"Choose a new password for {link.person.email}."
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _password_page(form, "Choose a new password", intro, status)
    try:
        person = links.reset_password(token, form.password.data or "")
    except LetsError as error:
        refuse(form, error, FIELDS, WORDS)
        return _password_page(form, "Choose a new password", intro, 422)
    return _signed_in_now(person, "Your password is changed. You are signed in.")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            links.change_password(
                signed_in(), form.current_password.data or "", form.password.data or ""
            )
        except LetsError as error:
            refuse(form, error, {**FIELDS, "password_wrong": "current_password"}, WORDS)
        else:
            sessions.start(signed_in())  # this browser stays signed in; others are not
            flash("Your password is changed.", "success")
            return redirect(url_for("web.account"))
    status = 422 if form.is_submitted() else 200
    return render_template("web/change_password.html", form=form), status


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email() -> Any:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            email = links.request_email_change(
                signed_in(), form.email.data or "", form.password.data or ""
            )
        except LetsError as error:
            refuse(form, error, {**FIELDS, "password_wrong": "password"}, WORDS)
        else:
            flash(
                f"We sent a link to {email}. Open it to confirm; until then you sign in "
                "with your current address.",
                "success",
            )
            return redirect(url_for("web.account"))
    status = 422 if form.is_submitted() else 200
    return render_template("web/change_email.html", form=form), status


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Any:
    """GET shows a button (a mail scanner that follows links must not confirm); the
    POST confirms."""
    link = links.find(token, links.EMAIL_CHANGE)
    form = FlaskForm()
    if form.validate_on_submit():
        person = links.confirm_email_change(token)
        flash(f"Your email address is now {person.email}.", "success")
        return redirect(url_for("web.account"))
    return render_template("web/confirm_email.html", form=form, email=link.email)


def _signed_in_now(person: Person, message: str) -> Any:
    sessions.start(person)
    flash(message, "success")
    return redirect(url_for("web.after_sign_in"))
