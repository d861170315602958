"""The one rule for a client-chosen id that exists already (transfers, corrections, trades,
cross-scheme invoices; an ``Idempotency-Key`` is such an id too).

A replay returns the original only when the fields match and the caller may read it.
Anyone else (other fields, an id of another scheme, an object the caller may not see)
gets the same refusal, ``exists_with_different_fields`` with one generic detail and no
list of fields, so that replaying guessed ids tells nothing about what exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from lets_platform.errors import ExistsWithDifferentFields, LetsError

T = TypeVar("T")

#: What every refused replay says, whatever the reason.
DETAIL = "This id is taken; choose another id."


def refuse() -> LetsError:
    """The refusal of a replay, the same whatever the existing object is."""
    return ExistsWithDifferentFields(DETAIL)


def answer(existing: T, *, have: Mapping[str, Any], wanted: Mapping[str, Any], readable: bool) -> T:
    """The original, when the request repeats it (``have == wanted`` on every field asked
    about) and the caller may read it.

    Raises:
        exists_with_different_fields, the same for every other case.
    """
    if readable and all(have[name] == wanted[name] for name in wanted):
        return existing
    raise refuse()
