"""Server-rendered pages: login and logout, CSRF on every form, safe session cookies.

Every state-changing request outside the JSON API is checked for a CSRF token, except the
endpoints other areas name as called by servers rather than browsers (``exempt_csrf``).
The API authenticates by bearer token only, never by the session cookie, so it needs none.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect

from lets_platform.api import API_PREFIX
from lets_platform.errors import problem, problem_response

csrf = CSRFProtect()
_EXEMPT = "lets_csrf_exempt"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask) -> None:
    from lets_platform.web import views

    app.config["SESSION_COOKIE_SECURE"] = app.config.get("LETS_SESSION_COOKIE_SECURE", True)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.session_interface = SessionCookies()
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below, outside the API
    csrf.init_app(app)
    app.extensions.setdefault(_EXEMPT, set())
    app.before_request(_check_csrf)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_blueprint(views.bp)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookies, but a request that brings none (every API call)
    starts with an empty session without building the cookie's signer first, which Flask
    does for every request; the signer is built when the session is written."""

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def exempt_csrf(app: Flask, *endpoints: str) -> None:
    """Endpoints that servers call with their own credentials (OAuth token, revocation)."""
    app.extensions.setdefault(_EXEMPT, set()).update(endpoints)


def _check_csrf() -> None:
    if request.method not in UNSAFE or request.path.startswith(API_PREFIX + "/"):
        return
    if request.endpoint in current_app.extensions.get(_EXEMPT, ()):
        return
    csrf.protect()


def _csrf_failed(error: CSRFError) -> Response:
    return problem_response(
        problem(
            400,
            "csrf_failed",
            "The form could not be accepted.",
            f"{error.description} Reload the page and try again.",
        )
    )
