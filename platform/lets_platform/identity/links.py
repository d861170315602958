"""One-time links: invitations (set a first password), password resets and email changes.

A link is a random token mailed to the person; only its SHA-256 is stored. It works once
(a conditional UPDATE claims it, so two clicks at once cannot both use it), until it
expires, and only while it is the person's newest link of its purpose (issuing a new one
retires the old). Every use is in the audit log. Mail with a link leaves after the
transaction commits (``mail.send_after_commit``), never through the job queue.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select, update

from lets_platform import clock
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import OneTimeLink, Person
from lets_platform.identity.operations import (
    PersonExists,
    find_person,
    hash_password,
    normalise_email,
    token_digest,
    verify_password,
)
from lets_platform.mail import message, send_after_commit

LinkInvalid = _error(
    "link_invalid",
    410,
    "This link does not work any more: it was used, replaced by a newer one, or it expired.",
)
PasswordTooShort = _error("password_too_short", 422, "The password is too short.")
PasswordWrong = _error("password_wrong", 422, "The current password is not right.")
EmailMissing = _error("email_missing", 422, "The person has no email address to send to.")

INVITATION, PASSWORD_RESET, EMAIL_CHANGE = "invitation", "password_reset", "email_change"
#: How long each kind of link works.
LIFETIMES = {
    INVITATION: timedelta(days=7),
    PASSWORD_RESET: timedelta(hours=2),
    EMAIL_CHANGE: timedelta(days=1),
}
#: The page each kind of link opens (the web area's endpoint, which takes ``token``).
PAGES = {
    INVITATION: "/invitation/",
    PASSWORD_RESET: "/reset-password/",
    EMAIL_CHANGE: "/confirm-email/",
}
MIN_PASSWORD = 10


def issue(
    person: Person, purpose: str, *, by: Person | None = None, email: str | None = None
) -> tuple[OneTimeLink, str]:
    """A new link for ``person`` (older unused ones of the purpose stop working);
    returns the link and its token, which is not stored."""
    now = clock.now()
    db.session.execute(
        update(OneTimeLink)
        .where(
            OneTimeLink.person_id == person.id,
            OneTimeLink.purpose == purpose,
            OneTimeLink.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    link = OneTimeLink(
        person_id=person.id,
        purpose=purpose,
        token_hash=token_digest(token),
        email=email or person.email,
        created_by_id=by.id if by else None,
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
    )
    db.session.add(link)
    db.session.flush()
    record(f"{purpose}.sent", _subject(person), actor_id=by.id if by else person.id)
    return link, token


def find(token: str, purpose: str) -> OneTimeLink:
    """The live link of this token, or ``link_invalid`` (used, replaced, expired, unknown:
    the same answer for each)."""
    link = db.session.scalar(
        select(OneTimeLink).where(
            OneTimeLink.token_hash == token_digest(token or ""), OneTimeLink.purpose == purpose
        )
    )
    if link is None or link.used_at is not None or link.expires_at <= clock.now():
        raise LinkInvalid()
    return link


def use(token: str, purpose: str) -> OneTimeLink:
    """Claim the link once: of two uses at once, one wins and the other is refused."""
    link = find(token, purpose)
    claimed = db.session.execute(
        update(OneTimeLink)
        .where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None))
        .values(used_at=clock.now())
        .returning(OneTimeLink.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if claimed is None:
        raise LinkInvalid()
    db.session.expire(link, ["used_at"])
    return link


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise PasswordTooShort(
            f"Choose a password of at least {MIN_PASSWORD} characters.",
            errors={"password": ["too_short"]},
        )
    return password


def set_password(person: Person, password: str) -> None:
    """A new password; it also lifts a lock-out (the person proved who they are)."""
    person.password_hash = hash_password(check_password(password))
    person.failed_logins = 0
    person.locked_until = None
    db.session.flush()


def accept_invitation(token: str, password: str) -> Person:
    """Set the first password with an invitation's link; returns the person."""
    check_password(password)
    link = use(token, INVITATION)
    set_password(link.person, password)
    record("invitation.accepted", _subject(link.person), actor_id=link.person_id)
    return link.person


def reset_password(token: str, password: str) -> Person:
    check_password(password)
    link = use(token, PASSWORD_RESET)
    set_password(link.person, password)
    record("password.reset", _subject(link.person), actor_id=link.person_id)
    return link.person


def request_password_reset(email: str) -> None:
    """Mail a reset link if someone has this email; say nothing either way (the caller's
    answer must not tell whether the address is known)."""
    try:
        person = find_person(email)
    except ValidationFailed:  # not an email address: nobody has it
        return
    if person is None or person.email is None:
        record("password.reset_unknown", f"email:{(email or '')[:180]}", actor_id=None)
        return
    _, token = issue(person, PASSWORD_RESET)
    send_after_commit(
        message(
            person.email,
            "Reset your password",
            _letter(
                person,
                "Someone (we hope you) asked to reset your password on the lets hub.",
                "Choose a new password here",
                PASSWORD_RESET,
                token,
                "If you did not ask, ignore this mail: your password stays as it is.",
            ),
        )
    )


def change_password(person: Person, current: str, new: str) -> None:
    if not verify_password(person, current or ""):
        raise PasswordWrong(errors={"current_password": ["wrong"]})
    set_password(person, new)
    record("password.changed", _subject(person), actor_id=person.id)


def request_email_change(person: Person, new_email: str, password: str) -> str:
    """Mail a confirmation link to the new address; the email changes when it is used."""
    if person.password_hash and not verify_password(person, password or ""):
        raise PasswordWrong(errors={"password": ["wrong"]})
    email = normalise_email(new_email)
    if find_person(email) is not None:
        raise PersonExists("Another person uses this email address.")
    _, token = issue(person, EMAIL_CHANGE, email=email)
    send_after_commit(
        message(
            email,
            "Confirm your new email address",
            _letter(
                person,
                "You asked to use this address to sign in to the lets hub.",
                "Confirm it here",
                EMAIL_CHANGE,
                token,
                "Until you do, you sign in with your old address. If you did not ask, "
                "ignore this mail.",
            ),
        )
    )
    return email


def confirm_email_change(token: str) -> Person:
    link = use(token, EMAIL_CHANGE)
    person = link.person
    if link.email is None or find_person(link.email) is not None:
        raise PersonExists("Another person uses this email address now.")
    old = person.email
    person.email = link.email
    db.session.flush()
    record("email.changed", _subject(person), actor_id=person.id, old=old)
    if old:  # the old address hears of it, in case it was not its owner's doing
        notice = (
            f"Dear {person.display_name},\n\nYou now sign in to the lets hub with {link.email}"
            " instead of this address.\n\nIf you did not do this, tell your scheme's"
            " organisers at once.\n"
        )
        send_after_commit(message(old, "Your sign-in email address has changed", notice))
    return person


def invite(person: Person, *, by: Person | None, scheme_name: str) -> OneTimeLink:
    """Mail ``person`` an invitation to set a password (``email_missing`` without an
    address)."""
    if not person.email:
        raise EmailMissing(f"{person.display_name} has no email address: add one first.")
    link, token = issue(person, INVITATION, by=by)
    send_after_commit(
        message(
            person.email,
            f"You are invited to {scheme_name} on the lets hub",
            _letter(
                person,
                f"{by.display_name if by else 'Your organisers'} added you to {scheme_name}. "
                "To see your account, pay and be paid online, set a password.",
                "Set your password here",
                INVITATION,
                token,
                f"The link works once, for {LIFETIMES[INVITATION].days} days. "
                "If it has run out, ask your organisers for a new one.",
            ),
        )
    )
    return link


def link_url(purpose: str, token: str) -> str:
    """The absolute URL of a link: ``LETS_PUBLIC_URL``, else the URL of this request."""
    base = current_app.config.get("LETS_PUBLIC_URL") or (
        request.host_url if has_request_context() else "http://127.0.0.1:5000/"
    )
    return base.rstrip("/") + PAGES[purpose] + token


def _letter(person: Person, why: str, action: str, purpose: str, token: str, after: str) -> str:
    return "\n".join(
        [
            f"Dear {person.display_name},",
            "",
            why,
            "",
            f"{action}:",
            link_url(purpose, token),
            "",
            after,
            "",
        ]
    )


def _subject(person: Person) -> str:
    return f"person:{person.email or person.id}"
