"""Who is signed in to the web pages: the Flask session cookie holds the person's id and a
fingerprint of their password hash, so that a new password (changed, reset) signs out
every other browser the person was signed in on."""

from __future__ import annotations

import hashlib
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
    session["key"] = _fingerprint(person)


def end() -> None:
    session.clear()


def signed_in_person() -> Person | None:
    """The session's person, unless their password changed since they signed in here."""
    person_id = session.get("person_id")
    person = db.session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None or session.get("key") != _fingerprint(person):
        return None
    return person


def _fingerprint(person: Person) -> str:
    return hashlib.sha256((person.password_hash or "").encode()).hexdigest()[:16]


def auth_time() -> datetime:
    """When the person signed in (now, if the session does not say)."""
    value = session.get("auth_time")
    return datetime.fromisoformat(value) if isinstance(value, str) else clock.now()


def safe_next(target: str | None) -> str | None:
    """A path on this site to go on to after signing in; anything else is dropped."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
