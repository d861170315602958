"""Creating persons, hashing passwords, issuing and checking bearer tokens, granting roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from sqlalchemy import bindparam, case, literal, select, update

from lets_platform import clock
from lets_platform.audit.operations import record
from lets_platform.db import db, utcnow
from lets_platform.errors import LetsError, ValidationFailed, _error
from lets_platform.fields import EMAIL
from lets_platform.identity.models import ApiToken, Person, RoleGrant

PersonExists = _error("person_exists", 409, "A person with this email exists already.")
PersonNotFound = _error("person_not_found", 404, "No person has this email.")
LoginRefused = _error(
    "login_refused",
    401,
    "The email or password is not right, or this login is locked for a while after "
    "too many failures. Try again later, or ask your organiser.",
)

#: Failures in a row that lock a login, and for how long.
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=10)

#: An email address, matched whole (no spaces or line breaks anywhere).
_EMAIL = EMAIL
TOKEN_PREFIX = "lets_"


def _hasher() -> PasswordHasher:
    """argon2id; the ``fast`` setting (tests only) trades strength for speed."""
    fast = has_app_context() and current_app.config.get("LETS_PASSWORD_HASH") == "fast"
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1) if fast else PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(person: Person, password: str) -> bool:
    if not person.password_hash:
        return False
    try:
        return _hasher().verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    """A hash to verify against for unknown emails, so that they cost the same work."""
    key = "lets_dummy_password_hash"
    cached: str | None = current_app.extensions.get(key) if has_app_context() else None
    if cached is None:
        cached = hash_password(secrets.token_urlsafe(16))
        if has_app_context():
            current_app.extensions[key] = cached
    return cached


def log_in(email: str, password: str) -> Person:
    """The person whose email and password these are, or raise ``login_refused``.

    Five failures in a row lock the login for ten minutes, during which even the right
    password is refused. Each try first claims one of the five guesses of the login's
    current window (``_claim_guess``), committed before the password is checked, so that
    however many tries arrive at once, at most five are ever checked per lock window.
    Unknown emails and locked logins get the same answer after the same work (one claim,
    one argon2 verification), so the answer tells nothing about who exists.

    Like ``pay``, it commits by itself: the claim (with whatever the session held) before
    the password is checked. Failures and lock-outs are recorded after it; the caller
    commits them even though it refuses.
    """
    try:
        normalised = normalise_email(email)
    except ValidationFailed:
        normalised = ""
    guess = _claim_guess(normalised, clock.now()) if normalised else None
    person = find_person(normalised) if normalised else None
    hashed = person.password_hash if person is not None and guess is not None else None
    matches = _verify(hashed or _dummy_hash(), password or "") and hashed is not None
    if person is None:
        record("login.failed", f"email:{(email or '')[:180]}", actor_id=None, reason="unknown")
    elif guess is None:
        record("login.failed", f"person:{person.email}", actor_id=person.id, reason="locked")
    elif not matches:
        _failed(person, guess)
    else:
        _succeeded(person, guess)
        return person
    db.session.flush()
    raise LoginRefused()


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _claim_guess(email: str, now: datetime) -> int | None:
    """Claim the next of the five guesses of the login's window, or None if it is locked
    (or no one has this email). One conditional UPDATE, committed at once: a claim counts
    as a failure until its password proves right; the fifth claim locks the login; a
    claim after the lock has run out starts a new window."""
    expired = Person.locked_until.is_not(None) & (Person.locked_until <= now)
    count = case((expired, 0), else_=Person.failed_logins) + 1
    until = literal(now + LOCK_FOR, Person.__table__.c.locked_until.type)
    claimed = db.session.execute(
        update(Person)
        .where(Person.email == email, Person.locked_until.is_(None) | expired)
        .values(failed_logins=count, locked_until=case((count >= LOCK_AFTER, until), else_=None))
        .returning(Person.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.commit()
    return claimed


def _failed(person: Person, guess: int) -> None:
    """The claimed guess was wrong: it stays counted; the fifth one locked the login."""
    subject = f"person:{person.email}"
    record("login.failed", subject, actor_id=person.id, reason="password", guess=guess)
    if guess >= LOCK_AFTER and person.locked_until is not None:
        record("login.locked", subject, actor_id=person.id, until=person.locked_until.isoformat())


def _succeeded(person: Person, guess: int) -> None:
    """The claimed guess was right: the count starts again, unless guesses claimed since
    this one are still being checked (they keep their places, and the lock their fifth
    set, so that a success never opens more than five guesses to a burst)."""
    db.session.execute(
        update(Person)
        .where(Person.id == person.id, Person.failed_logins == guess)
        .values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    record("login.succeeded", f"person:{person.email}", actor_id=person.id, guess=guess)
    db.session.flush()
    db.session.expire(person, ["failed_logins", "locked_until"])


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not _EMAIL.fullmatch(email):
        raise ValidationFailed(f"{email!r} is not an email address.", errors={"email": ["invalid"]})
    return email


def find_person(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == normalise_email(email)))


def get_person(email: str) -> Person:
    person = find_person(email)
    if person is None:
        raise PersonNotFound(f"No person has the email {email!r}.")
    return person


def add_person(
    email: str | None, display_name: str, *, password: str | None = None, admin: bool = False
) -> Person:
    """Create a person; raises ``person_exists`` if the email is taken. A person without
    email (``None``) cannot sign in until they have one and set a password."""
    email = normalise_email(email) if email is not None else None
    if email is not None and find_person(email) is not None:
        raise PersonExists(f"A person with the email {email!r} exists already.")
    if not display_name or not display_name.strip():
        raise ValidationFailed("A display name is required.", errors={"name": ["required"]})
    person = Person(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else None,
        is_admin=admin,
    )
    db.session.add(person)
    db.session.flush()
    return person


def find_or_add_person(email: str | None, display_name: str) -> Person:
    """The person with this email, or a new one; without email, always a new one."""
    found = find_person(email) if email is not None else None
    return found or add_person(email, display_name)


def token_digest(token: str) -> str:
    """What is stored of a personal token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(person: Person, name: str = "cli") -> str:
    """Create a bearer token for ``person``; returns the token, which is not stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(person_id=person.id, token_hash=token_digest(token), name=name))
    record("token.issued", f"person:{person.email}", actor_id=person.id, name=name)
    db.session.flush()
    return token


#: Built once: every API request runs it.
_PERSON_FOR_TOKEN = (
    select(Person)
    .join(ApiToken, ApiToken.person_id == Person.id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None))
)


def person_for_token(token: str) -> Person | None:
    """The person a live token belongs to, or None."""
    return db.session.scalar(_PERSON_FOR_TOKEN, {"digest": token_digest(token)})


def grant_role(
    person: Person,
    role: str,
    *,
    scheme_id: int | None,
    granted_by: Person | None,
    network_id: int | None = None,
) -> RoleGrant:
    """Grant ``role`` to ``person`` in a scheme, for a network, or platform-wide (neither).

    A live grant of the same role in the same place is reused, not doubled.
    """
    existing = db.session.scalar(
        select(RoleGrant).where(
            RoleGrant.person_id == person.id,
            RoleGrant.scheme_id.is_(None)
            if scheme_id is None
            else RoleGrant.scheme_id == scheme_id,
            RoleGrant.network_id.is_(None)
            if network_id is None
            else RoleGrant.network_id == network_id,
            RoleGrant.role == role,
            RoleGrant.revoked_at.is_(None),
        )
    )
    if existing:
        return existing
    grant = RoleGrant(
        person_id=person.id,
        scheme_id=scheme_id,
        network_id=network_id,
        role=role,
        granted_by_id=granted_by.id if granted_by else None,
    )
    db.session.add(grant)
    record(
        "role.granted",
        f"person:{person.email}",
        actor_id=granted_by.id if granted_by else None,
        scheme_id=scheme_id,
        role=role,
        network_id=network_id,
    )
    db.session.flush()
    return grant


def revoke_role(person: Person, role: str, *, scheme_id: int, revoked_by: Person | None) -> None:
    for grant in db.session.scalars(
        select(RoleGrant).where(
            RoleGrant.person_id == person.id,
            RoleGrant.scheme_id == scheme_id,
            RoleGrant.role == role,
            RoleGrant.revoked_at.is_(None),
        )
    ):
        grant.revoked_at = utcnow()
        record(
            "role.revoked",
            f"person:{person.email}",
            actor_id=revoked_by.id if revoked_by else None,
            scheme_id=scheme_id,
            role=role,
        )
    db.session.flush()


__all__ = ["LetsError"]
