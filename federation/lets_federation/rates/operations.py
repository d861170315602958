"""Setting a scheme's rate (the national body) and reading current rates and their history."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import select

from lets_federation.rates.models import RateChange
from lets_federation.units import format_rate, parse_rate
from lets_platform import permissions
from lets_platform.audit.operations import record
from lets_platform.db import db, utcnow
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme, list_schemes


def current_rate(scheme: Scheme) -> Fraction:
    """Units of the scheme's currency per federation unit, exact."""
    return Fraction(scheme.rate_num, scheme.rate_den)


def set_rate(slug: str, rate: Any, *, actor: Person | None) -> RateChange:
    """Give scheme ``slug`` a new rate from now on; trades keep the rates they used.

    Args:
        rate: "10", "12.5" or "25/2" (units per federation unit).
        actor: a national administrator, or None from the shell.
    Raises:
        rate_invalid, scheme_not_found, not_permitted.
    """
    if actor is not None:
        permissions.require(actor, "federation.manage")
    fraction = parse_rate(rate)
    scheme = get_scheme(slug)
    scheme.rate_num, scheme.rate_den = fraction.numerator, fraction.denominator
    change = RateChange(
        scheme_id=scheme.id,
        rate_num=fraction.numerator,
        rate_den=fraction.denominator,
        set_by_id=actor.id if actor else None,
        set_at=utcnow(),
    )
    db.session.add(change)
    db.session.flush()
    record(
        "federation.rate_set",
        f"scheme:{slug}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        rate=format_rate(fraction),
    )
    return change


def record_initial_rate(scheme: Scheme, actor: Person | None = None) -> RateChange:
    """The first entry of a newly provisioned scheme's rate history."""
    change = RateChange(
        scheme_id=scheme.id,
        rate_num=scheme.rate_num,
        rate_den=scheme.rate_den,
        set_by_id=actor.id if actor else None,
        set_at=utcnow(),
    )
    db.session.add(change)
    db.session.flush()
    return change


def current_rates() -> list[Scheme]:
    """Every scheme, with its current rate on it."""
    return list_schemes()


def rate_history(slug: str) -> list[RateChange]:
    """A scheme's rate changes, oldest first."""
    scheme = get_scheme(slug)
    query = select(RateChange).where(RateChange.scheme_id == scheme.id).order_by(RateChange.id)
    return list(db.session.scalars(query))
