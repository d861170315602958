"""Server-rendered pages: one layout, navigation with a scheme switcher, forms with CSRF,
HTML error pages for browsers, and the login, account and sign-out pages.

Conventions for an area that adds pages
---------------------------------------
* **Files.** ``views.py`` (a ``flask.Blueprint``), ``forms.py`` (``FlaskForm`` classes)
  and ``templates/<area>/*.html`` beside them (``Blueprint(..., template_folder=
  "templates")``). Templates ``{% extends "base.html" %}``, set ``{% block title %}`` and
  fill ``{% block main %}``; a wide table gets ``class="responsive"`` and ``data-label``
  on each cell so that it stacks on a phone.
* **Register.** In the area's ``init_app(app)``: ``web.add_pages(app, bp, web.Nav(...))``.
  A ``Nav`` is a label, an endpoint and a group: ``scheme`` (a member's pages) and
  ``organiser`` (running the scheme) link to the current scheme, whose slug the endpoint
  takes as ``scheme``; ``hub`` (national body) and ``account`` take none. ``action``
  shows the entry only to those ``permissions.can`` it. Scheme pages live under
  ``/s/<scheme>/...``; the national body's under ``/hub/...``.
* **Views are glue.** ``@web.login_required``, then call the same operations as the API
  (``lets_tenants.context.scheme_for(slug, action)`` works on pages: the session's person
  is the request's caller). Commit happens at the edge as for the API: a response below
  400 commits, anything else rolls back; so re-render a failed form with status 422.
  ``web.signed_in()`` is the person; ``web.places()`` their schemes with handle and roles;
  ``web.current_place()`` the scheme the page is about.
* **Forms.** ``{% from "_forms.html" import error_summary, form_start, field, button %}``;
  ``error_summary(form)`` at the top, ``field(form.amount, hint=...)`` per question: the
  error shows beside the field and in the summary, and what was typed stays. A named
  error from an operation goes beside its field with ``web.refuse(form, error, FIELDS)``
  (``FIELDS`` maps error codes to field names; others go to the summary). Every POST is
  CSRF-checked (``exempt_csrf`` only for server-to-server endpoints).
  Plain words for an area's error codes: ``web.refuse(form, error, FIELDS, WORDS)`` with
  the area's own ``WORDS = {code: text}`` (``{detail}`` and the error's extra fields, such
  as ``{available}``, fill ``text``); ``web.forms.MESSAGES`` holds only words that fit
  every area (an organiser paying for a member must not read "you can spend").
  Money moves only after a check-your-answers page; the form carries the operation's
  idempotency id (a hidden ``id``) so that a double click or a resent form acts once.
* **Links to other areas.** ``'endpoint' in web_endpoints`` in a template tells whether
  an area's page exists; a member's dashboard takes panels from any area
  (``lets_tenants.pages.dashboard.add_panel``).
* **Tests.** ``lets_platform.web.testing.Browser`` (fixture ``browser`` in
  tests/conftest.py; ``outbox`` lists the mail sent): ``browser.sign_in(person)``,
  ``browser.submit(path, {...})`` (gets the form, sends it with its CSRF token), then
  assert what happened in the database. Real-browser journeys go in ``tests/browser/``
  (fixtures ``page`` and ``live_url`` there, skipped with the reason when
  /usr/bin/chromium is missing), with ``sign_in_page``, ``screenshot`` (390 and 1280 px
  into ``$LETS_SCREENSHOTS``), ``no_horizontal_scroll`` and ``axe_violations`` from
  ``lets_platform.web.testing``. The test's session must hold no transaction while the
  page works (SQLite): ``db.session.commit()`` after reading.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect

from lets_platform import errors as lets_errors
from lets_platform.api import API_PREFIX
from lets_platform.errors import problem
from lets_platform.web import access, nav
from lets_platform.web import errors as pages
from lets_platform.web.access import current_person, login_required, signed_in
from lets_platform.web.forms import form_errors, refuse
from lets_platform.web.nav import Nav, Place, provide_places

csrf = CSRFProtect()
_EXEMPT = pages.EXEMPT
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

__all__ = [
    "Nav",
    "Place",
    "add_pages",
    "current_person",
    "current_place",
    "exempt_csrf",
    "login_required",
    "places",
    "provide_places",
    "refuse",
    "signed_in",
]

places = access.places
current_place = access.current_place


def init_app(app: Flask) -> None:
    from lets_platform.web import accounts, views

    app.config["SESSION_COOKIE_SECURE"] = app.config.get("LETS_SESSION_COOKIE_SECURE", True)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.session_interface = SessionCookies()
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below, outside the API
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    csrf.init_app(app)
    app.extensions.setdefault(_EXEMPT, set())
    app.before_request(access.load_person)
    app.before_request(_check_csrf)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.extensions[lets_errors.PAGE_RENDERER] = pages.render
    app.context_processor(_layout_values)
    app.add_template_global(form_errors)
    add_pages(app, views.bp, *views.NAV)
    add_pages(app, accounts.bp)


def add_pages(app: Flask, blueprint: Blueprint, *entries: Nav) -> None:
    """Register an area's page blueprint and its navigation entries."""
    app.register_blueprint(blueprint)
    nav.register(app, *entries)


class _Layout:
    """What the layout reads as ``web``: computed when a template first asks."""

    @property
    def person(self) -> Any:
        return current_person()

    @property
    def places(self) -> list[Place]:
        return access.places()

    @property
    def place(self) -> Place | None:
        return access.current_place()

    @property
    def nav(self) -> list[tuple[str, list[nav.Link]]]:
        return nav.links(current_person(), access.current_place())


def _layout_values() -> dict[str, Any]:
    """``web`` for the layout; ``web_endpoints`` so that a template links to another
    area's page only when that area is loaded (``'member.pay' in web_endpoints``)."""
    return {"web": _Layout(), "web_endpoints": current_app.view_functions}


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
    if request.routing_exception is not None:
        return  # no such page, or not for this method: that answer comes first
    if request.endpoint in current_app.extensions.get(_EXEMPT, ()):
        return
    csrf.protect()


def _csrf_failed(error: CSRFError) -> Response:
    return lets_errors.answer(
        problem(
            400,
            "csrf_failed",
            "The form could not be accepted.",
            f"{error.description} Reload the page and try again.",
        )
    )
