"""Who is signed in to the web pages: the Flask session cookie holds the person's id."""

from __future__ import annotations

from datetime import datetime

from flask import session

from lets_platform import clock
from lets_platform.db import db
from lets_platform.identity.models import Person


def start(person: Person) -> None:
    """Sign ``person`` in, on a fresh session (nothing from before the login carries over)."""
    session.clear()
    session["person_id"] = person.id
    session["auth_time"] = clock.now().isoformat()


def end() -> None:
    session.clear()


def signed_in_person() -> Person | None:
    person_id = session.get("person_id")
    return db.session.get(Person, person_id) if isinstance(person_id, int) else None


def auth_time() -> datetime:
    """When the person signed in (now, if the session does not say)."""
    value = session.get("auth_time")
    return datetime.fromisoformat(value) if isinstance(value, str) else clock.now()


def safe_next(target: str | None) -> str | None:
    """A path on this site to go on to after signing in; anything else is dropped."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
