"""What every scheme-scoped handler starts with: the caller, the scheme, and the permission."""

from __future__ import annotations

from lets_platform import permissions
from lets_platform.auth import current_person
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme


def scheme_for(slug: str, action: str) -> tuple[Person, Scheme]:
    """Authenticate, load the scheme by slug, and require ``action`` in it."""
    person = current_person()
    scheme = get_scheme(slug)
    permissions.require(person, action, scheme.id)
    return person, scheme
