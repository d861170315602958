"""Resolving the caller of an API request from its ``Authorization: Bearer`` header."""

from __future__ import annotations

from flask import g, request

from lets_platform.errors import Unauthenticated
from lets_platform.identity.models import Person
from lets_platform.identity.operations import person_for_token


def current_person() -> Person:
    """The authenticated person, or raise ``unauthenticated`` (401)."""
    if "person" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g.person = person_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
    if g.person is None:
        raise Unauthenticated("Send a valid token as 'Authorization: Bearer <token>'.")
    person: Person = g.person
    return person
