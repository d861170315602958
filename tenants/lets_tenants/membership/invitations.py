"""Inviting a member to sign in: a mail with a one-time link to set their first password.

An organiser invites when adding a member with an email, or later (a paper member who
now has an address, or an invitation that ran out). The link itself is the identity
area's (``lets_platform.identity.links``).
"""

from __future__ import annotations

from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.identity import links
from lets_platform.identity.models import OneTimeLink, Person
from lets_platform.identity.operations import PersonExists, find_person, normalise_email
from lets_platform.tenancy.models import Scheme
from lets_tenants.membership.operations import get_member

AlreadySignedUp = _error(
    "already_signed_up",
    409,
    "The member has set a password already; they can reset it from the sign-in page.",
)
EmailDiffers = _error(
    "email_differs",
    409,
    "The member has another email address; only they can change it, from their account.",
)


def invite_member(
    scheme: Scheme, handle: str, *, actor: Person | None, email: str | None = None
) -> OneTimeLink:
    """Mail the member ``handle`` an invitation; ``email`` gives a member who has none
    their address first (it must be free). Refused for a member who has a password."""
    person = get_member(scheme, handle).person
    if email is not None:
        _give_email(person, normalise_email(email))
    if person.password_hash:
        raise AlreadySignedUp(f"{handle} can sign in already.")
    return links.invite(person, by=actor, scheme_name=scheme.name)


def should_invite(person: Person) -> bool:
    """A member just added who could sign in once invited (an email, no password)."""
    return bool(person.email) and not person.password_hash


def _give_email(person: Person, email: str) -> None:
    if person.email == email:
        return
    if person.email is not None:
        raise EmailDiffers()
    if find_person(email) is not None:
        raise PersonExists(f"Another person uses {email}.")
    person.email = email
    db.session.flush()
