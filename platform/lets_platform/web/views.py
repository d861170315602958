"""Login and logout pages (server-rendered forms with CSRF tokens)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from lets_platform.db import db
from lets_platform.identity import operations as identity
from lets_platform.ratelimit import LOGIN, limited
from lets_platform.web import sessions

bp = Blueprint("web", __name__, template_folder="templates")


@bp.route("/login", methods=["GET"])
def login() -> Any:
    return render_template(
        "web/login.html",
        next=sessions.safe_next(request.args.get("next")),
        person=sessions.signed_in_person(),
        error=None,
    )


def _login_page_refusal(message: str) -> str:
    """The login page again, saying why (too many tries from this address)."""
    target = sessions.safe_next(request.form.get("next"))
    return render_template("web/login.html", next=target, person=None, error=message)


@bp.route("/login", methods=["POST"])
@limited(LOGIN, answer=_login_page_refusal)
def login_submit() -> Any:
    target = sessions.safe_next(request.form.get("next"))
    try:
        person = identity.log_in(request.form.get("email", ""), request.form.get("password", ""))
    except identity.LoginRefused as refused:
        db.session.commit()  # the failure count, lock-out and audit entries stay
        page = render_template("web/login.html", next=target, person=None, error=refused.detail)
        return page, 401
    sessions.start(person)
    return redirect(target or url_for("hub.home"))


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    sessions.end()
    return redirect(url_for("web.login"))
