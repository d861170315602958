"""Provisioning regional networks and schemes, and finding a scheme by its slug."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import bindparam, select

from lets_platform import fields
from lets_platform.audit.operations import record
from lets_platform.db import db
from lets_platform.errors import ValidationFailed, _error
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.identity.operations import get_person, grant_role
from lets_platform.money import parse_signed
from lets_platform.permissions import REGIONAL_ORGANISER
from lets_platform.signals import scheme_provisioned
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Network, Scheme

SchemeNotFound = _error("scheme_not_found", 404, "No scheme has this slug.")
SchemeExists = _error("scheme_exists", 409, "A scheme with this slug exists already.")
NetworkNotFound = _error("network_not_found", 404, "No network has this slug.")
NetworkExists = _error("network_exists", 409, "A network with this slug exists already.")
RateInvalid = _error(
    "rate_invalid", 422, 'A rate is a positive decimal or fraction string such as "10" or "25/2".'
)

#: Slugs, currency codes and rates are matched whole, ASCII only (``lets_platform.fields``,
#: whose patterns the API documents).
SLUG, CURRENCY_CODE, _RATE = fields.SLUG, fields.CURRENCY_CODE, fields.RATE


def check_slug(slug: str, field: str = "slug") -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise ValidationFailed(
            f"{slug!r} is not a valid slug: lower-case letters, digits and dashes.",
            errors={field: ["invalid slug"]},
        )
    return slug


def parse_rate(value: Any) -> Fraction:
    """A positive exact rate from ``"10"``, ``"12.5"`` or ``"25/2"``: ASCII digits only, no
    spaces; floats are refused."""
    if not isinstance(value, str) or not _RATE.fullmatch(value):
        raise RateInvalid(f'{value!r} is not a rate such as "10", "12.5" or "25/2".')
    num, _, den = value.partition("/")
    if Fraction(den or "1") == 0:
        raise RateInvalid(f"{value!r} has a zero denominator.")
    rate = Fraction(num) / Fraction(den or "1")
    if rate <= 0 or rate.denominator > 10**12 or rate.numerator > 10**12:
        raise RateInvalid(f"{value!r} must be positive and of sensible size.")
    return rate


def format_rate(num: int, den: int) -> str:
    return str(num) if den == 1 else f"{num}/{den}"


#: Built once: every scheme-scoped request runs it. On PostgreSQL the same statement
#: widens the transaction's row-level security setting to the scheme it finds.
_SCHEME_BY_SLUG = select(Scheme).where(Scheme.slug == bindparam("slug"))
_ENTER_SCHEME_BY_SLUG = select(Scheme, scope.entering(Scheme.id)).where(
    Scheme.slug == bindparam("slug")
)


def get_scheme(slug: str) -> Scheme:
    """The scheme with ``slug``; the unit of work may see its rows from now on."""
    entering = db.session.get_bind().dialect.name == "postgresql"
    if entering:
        row = db.session.execute(
            _ENTER_SCHEME_BY_SLUG, {"slug": slug, **scope.entering_parameters()}
        ).first()
        scheme = None if row is None else row[0]
    else:
        scheme = db.session.scalar(_SCHEME_BY_SLUG, {"slug": slug})
    if scheme is None:
        raise SchemeNotFound(f"There is no scheme {slug!r}.")
    scope.entered(scheme.id, applied=entering)
    return scheme


def list_schemes() -> list[Scheme]:
    return list(db.session.scalars(select(Scheme).order_by(Scheme.slug)))


def ensure_network(slug: str, name: str | None = None) -> Network:
    """The network with ``slug``, created (named from the slug unless given) if new."""
    check_slug(slug, "network")
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        network = Network(slug=slug, name=name or slug.replace("-", " ").title())
        db.session.add(network)
        db.session.flush()
    return network


def provision_scheme(
    *,
    slug: str,
    name: str,
    currency_code: str,
    currency_name: str,
    decimals: int = 2,
    network: str | None = None,
    rate: str = "1",
    default_min_balance: str = "0",
    default_max_balance: str | None = None,
    kind: str = "scheme",
    constitution: str | None = None,
    actor: Person | None = None,
) -> Scheme:
    """Create a scheme (tenant) with its currency; its federation account follows by signal.

    Args:
        rate: units of this currency per federation unit, exact ("10", "25/2").
        default_min_balance / default_max_balance: decimal strings in the scheme's currency.
        constitution: the template its constitution starts from ("wiltshire", "bright",
            "london"; default "model"), adopted by the tenants area on the signal.
    Returns:
        the flushed scheme.
    """
    check_slug(slug)
    if db.session.scalar(select(Scheme.id).where(Scheme.slug == slug)) is not None:
        raise SchemeExists(f"A scheme {slug!r} exists already.")
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 4:
        raise ValidationFailed("decimals must be 0 to 4.", errors={"currency.decimals": ["0-4"]})
    floor = parse_signed(default_min_balance, decimals)
    ceiling = (
        parse_signed(default_max_balance, decimals) if default_max_balance is not None else None
    )
    if floor > 0 or (ceiling is not None and ceiling < 0):
        raise ValidationFailed(
            "The default credit limit must be zero or below and the upper limit zero or above.",
            errors={"default_min_balance": ["must be <= 0"]},
        )
    fraction = parse_rate(rate)
    if not isinstance(currency_code, str) or not CURRENCY_CODE.fullmatch(currency_code):
        raise ValidationFailed(
            f"{currency_code!r} is not a currency code: a letter, then 1-11 letters or digits.",
            errors={"currency.code": ["invalid"]},
        )
    scheme = Scheme(
        slug=slug,
        name=name.strip(),
        network=ensure_network(network) if network else None,
        kind=kind,
        currency_code=currency_code.strip().upper(),
        currency_name=currency_name.strip(),
        currency_decimals=decimals,
        rate_num=fraction.numerator,
        rate_den=fraction.denominator,
        default_min_balance=floor,
        default_max_balance=ceiling,
    )
    db.session.add(scheme)
    db.session.flush()
    scope.allow(scheme.id)
    record(
        "scheme.provisioned",
        f"scheme:{slug}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
    )
    scheme_provisioned.send(scheme, actor=actor, template=constitution)
    return scheme


def create_network(slug: str, name: str) -> Network:
    """A new regional network; ``network_exists`` if the slug is taken."""
    check_slug(slug, "slug")
    if db.session.scalar(select(Network.id).where(Network.slug == slug)) is not None:
        raise NetworkExists(f"A network {slug!r} exists already.")
    return ensure_network(slug, name.strip() or None)


def list_networks() -> list[Network]:
    return list(db.session.scalars(select(Network).order_by(Network.slug)))


def get_network(slug: str) -> Network:
    found = db.session.scalar(select(Network).where(Network.slug == slug))
    if found is None:
        raise NetworkNotFound(f"There is no network {slug!r}.")
    return found


def appoint_regional_organiser(network: str, email: str, *, actor: Person | None) -> Person:
    """Make the person with ``email`` a regional organiser of the schemes of ``network``."""
    found = get_network(network)
    organiser = get_person(email)
    grant_role(organiser, REGIONAL_ORGANISER, scheme_id=None, network_id=found.id, granted_by=actor)
    return organiser


def regional_organisers() -> list[tuple[Network, Person]]:
    """Every live regional organiser with their network, by network then email."""
    rows = db.session.execute(
        select(Network, Person)
        .join(RoleGrant, RoleGrant.network_id == Network.id)
        .join(Person, Person.id == RoleGrant.person_id)
        .where(RoleGrant.role == REGIONAL_ORGANISER, RoleGrant.revoked_at.is_(None))
        .order_by(Network.slug, Person.email)
    )
    return [(network, person) for network, person in rows]
