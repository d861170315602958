"""Who is asking, for the pages: the signed-in person (from the session cookie) and a
decorator for pages that need one.

Every page request outside the API sets ``g.person`` from the session before the view
runs, so the operations' permission checks (``lets_platform.auth.current_person``, the
areas' ``scheme_for``) see the signed-in person exactly as the API sees a token's person;
a bearer token is never read on a page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, redirect, request, url_for

from lets_platform.api import API_PREFIX
from lets_platform.identity.models import Person
from lets_platform.web import nav, sessions

F = TypeVar("F", bound=Callable[..., Any])


def is_page_request() -> bool:
    return not request.path.startswith(API_PREFIX + "/") and request.path != API_PREFIX


def load_person() -> None:
    """Before every page request: the session's person becomes the request's caller."""
    if is_page_request():
        g.person = sessions.signed_in_person()


def current_person() -> Person | None:
    """The signed-in person, or None."""
    person: Person | None = g.get("person")
    return person


def login_required(view: F) -> F:
    """Send anyone not signed in to the sign-in page, then back here."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_person() is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def signed_in() -> Person:
    """The signed-in person, inside a ``login_required`` view."""
    person = current_person()
    if person is None:
        raise RuntimeError("signed_in() outside a login_required view")
    return person


def places() -> list[nav.Place]:
    """The signed-in person's schemes (memberships), with handle and roles."""
    return nav.places(current_person())


def current_place() -> nav.Place | None:
    return nav.current_place(current_person())
