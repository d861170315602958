"""What every federation handler starts with: the caller, acting across schemes.

Federation endpoints span schemes, so the unit of work may see every scheme's rows
(row-level security's ``*``); who may see which trade is decided in code by
``trades.operations.may_read`` and the permission matrix, and tested role by role.
"""

from __future__ import annotations

from lets_platform.auth import current_person
from lets_platform.identity.models import Person
from lets_platform.tenancy import scope


def federation_caller() -> Person:
    """Authenticate the caller and open the federation's books to the request."""
    person = current_person()
    scope.allow_all()
    return person
