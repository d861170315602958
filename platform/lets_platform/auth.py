"""Resolving the caller of an API request from its ``Authorization: Bearer`` header.

Two kinds of token are accepted alike: personal tokens (``lets_...``, full access as their
person) and OAuth access tokens (``letsat_...``), which also carry scopes and the scheme
of the client they were issued to; ``permissions`` checks those with every action.
"""

from __future__ import annotations

from flask import g, request

from lets_platform.errors import Unauthenticated, _error
from lets_platform.identity.models import Person
from lets_platform.identity.operations import person_for_token
from lets_platform.oauth.operations import find_access_token
from lets_platform.oauth.secrets import ACCESS_TOKEN_PREFIX
from lets_platform.permissions import TOKEN_GRANT, TokenGrant, token_grant

PersonalTokenRequired = _error(
    "personal_token_required",
    403,
    "Only the person themselves may do this, with a personal token or on the web pages; "
    "an application's access token may not.",
)


def current_person() -> Person:
    """The authenticated person, or raise ``unauthenticated`` (401)."""
    if "person" not in g:
        token = _bearer_token()
        g.pop(TOKEN_GRANT, None)
        if token.startswith(ACCESS_TOKEN_PREFIX):
            g.person = _oauth_person(token)
        else:
            g.person = person_for_token(token) if token else None
    if g.person is None:
        raise Unauthenticated("Send a valid token as 'Authorization: Bearer <token>'.")
    person: Person = g.person
    return person


def personal_caller() -> Person:
    """The authenticated person, acting with a personal token: what a person manages about
    the applications acting for them is not for those applications to see or change."""
    person = current_person()
    if token_grant(person) is not None:
        raise PersonalTokenRequired()
    return person


def personal_token() -> str | None:
    """The request's personal token (``lets_...``) while no one is authenticated yet: for a
    lookup that authenticates with it (``authenticated_as``). None for an OAuth access
    token, no token, or a request whose caller is known already."""
    if "person" in g:
        return None
    token = _bearer_token()
    return token if token and not token.startswith(ACCESS_TOKEN_PREFIX) else None


def authenticated_as(person: Person) -> None:
    """The request is ``person``'s, found by ``personal_token`` (a personal token carries
    no OAuth grant)."""
    g.pop(TOKEN_GRANT, None)
    g.person = person


def _bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _oauth_person(token: str) -> Person | None:
    """The person of a live OAuth access token; its grant goes on ``g`` for permissions."""
    found = find_access_token(token)
    if found is None or found.is_revoked() or found.is_expired():
        return None
    setattr(
        g,
        TOKEN_GRANT,
        TokenGrant(found.person_id, frozenset(found.scope.split()), found.client.scheme_id),
    )
    return found.person
