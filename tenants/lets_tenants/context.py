"""What every scheme-scoped handler starts with: the caller, the scheme, and the permission."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request

from lets_platform import permissions
from lets_platform.auth import current_person
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme

WriteGuard = Callable[[Scheme], None]
_GUARDS = "lets_write_guards"


def guard_writes(app: Flask, check: WriteGuard) -> None:
    """Make every write to a scheme in ``app`` pass ``check`` before its permission is
    looked at (the federation's migration: a closed scheme is read-only)."""
    guards: list[WriteGuard] = app.extensions.setdefault(_GUARDS, [])
    if check not in guards:
        guards.append(check)


def check_writable(scheme: Scheme) -> None:
    """Raise the named error of the first write guard that refuses ``scheme``."""
    for check in current_app.extensions.get(_GUARDS, []):
        check(scheme)


def scheme_for(slug: str, action: str) -> tuple[Person, Scheme]:
    """Authenticate, load the scheme by slug, and require ``action`` in it (for a write,
    the scheme must also pass the write guards)."""
    person = current_person()
    scheme = get_scheme(slug)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        check_writable(scheme)
    permissions.require(person, action, scheme.id)
    return person, scheme
