"""The navigation every page shows: the entries areas register, and the schemes the
signed-in person belongs to (their *places*), for the scheme switcher.

The kernel does not know memberships (they live in ``lets_tenants``), so the area that
does registers a provider (``provide_places``); without one a person has no places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request, session, url_for
from werkzeug.routing import BuildError

from lets_platform import permissions
from lets_platform.identity.models import Person
from lets_platform.tenancy import scope

#: The groups of the navigation, in the order they are shown, with their headings.
GROUPS = {
    "scheme": "Your scheme",
    "organiser": "Run the scheme",
    "hub": "National body",
    "account": "Your account",
}


@dataclass(frozen=True)
class Place:
    """A scheme the person belongs to: where a ``/s/<scheme>/`` page acts."""

    id: int
    slug: str
    name: str
    handle: str
    roles: frozenset[str] = frozenset()
    currency: str = ""
    status: str = "active"


@dataclass(frozen=True)
class Nav:
    """One navigation entry.

    ``group`` is a key of ``GROUPS``. Entries of ``scheme`` and ``organiser`` are links to
    the current place (their endpoint takes ``scheme``); they show only when the person
    has a place and, if ``action`` is set, may do it there (``permissions.can``). ``hub``
    and ``account`` entries take no ``scheme``; ``action`` is checked hub-wide. ``when``
    is a further test (person, place or None) for anything else.
    """

    label: str
    endpoint: str
    group: str = "scheme"
    action: str | None = None
    order: int = 100
    when: Callable[[Person, Place | None], bool] | None = None


PlacesProvider = Callable[[Person], list[Place]]
_NAV = "lets_web_nav"
_PLACES = "lets_web_places"
_HOME = "lets_web_scheme_home"


def register(app: Flask, *entries: Nav) -> None:
    navs: list[Nav] = app.extensions.setdefault(_NAV, [])
    for entry in entries:
        if entry.group not in GROUPS:
            raise ValueError(f"nav group {entry.group!r} is not one of {sorted(GROUPS)}")
        navs.append(entry)


def provide_places(app: Flask, provider: PlacesProvider, scheme_home: str) -> None:
    """``provider(person)`` lists the person's places; ``scheme_home`` is the endpoint
    (taking ``scheme``) the switcher goes to."""
    app.extensions[_PLACES] = provider
    app.extensions[_HOME] = scheme_home


def places(person: Person | None) -> list[Place]:
    """The person's places, cached for the request."""
    if person is None:
        return []
    if "_lets_web_places" not in g:
        provider: PlacesProvider | None = current_app.extensions.get(_PLACES)
        g._lets_web_places = provider(person) if provider else []
    found: list[Place] = g._lets_web_places
    return found


def current_place(person: Person | None) -> Place | None:
    """The scheme the page is about (``scheme`` in the URL), else the last one visited,
    else the first; None if the person belongs to none (or the URL's is not theirs)."""
    mine = {place.slug: place for place in places(person)}
    slug = (request.view_args or {}).get("scheme")
    if isinstance(slug, str):
        if slug in mine:
            session["scheme"] = slug
            return mine[slug]
        return _visited(person, slug)
    remembered = session.get("scheme")
    if isinstance(remembered, str) and remembered in mine:
        return mine[remembered]
    return next(iter(mine.values()), None)


def _visited(person: Person | None, slug: str) -> Place | None:
    """A scheme the person runs or oversees without being a member there (the national
    body, a regional organiser): a place without a handle."""
    from lets_platform.tenancy.operations import SchemeNotFound, get_scheme

    if person is None:
        return None
    try:
        scheme = get_scheme(slug)
    except SchemeNotFound:
        return None
    roles = permissions.roles_in(person, scheme.id)
    if not (person.is_admin or roles):
        return None
    return Place(
        scheme.id, scheme.slug, scheme.name, "", roles, scheme.currency_name, scheme.status
    )


def scheme_home(slug: str) -> str:
    home = current_app.extensions.get(_HOME)
    return url_for(home, scheme=slug) if home else url_for("hub.home")


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool


def links(person: Person | None, place: Place | None) -> list[tuple[str, list[Link]]]:
    """The navigation for this person on this page, grouped, in order."""
    if person is None:
        return []
    grouped: dict[str, list[tuple[int, Link]]] = {}
    for entry in current_app.extensions.get(_NAV, []):
        link = _link(entry, person, place)
        if link is not None:
            grouped.setdefault(entry.group, []).append((entry.order, link))
    return [
        (GROUPS[group], [link for _, link in sorted(grouped[group], key=lambda p: p[0])])
        for group in GROUPS
        if group in grouped
    ]


def _link(entry: Nav, person: Person, place: Place | None) -> Link | None:
    scoped = entry.group in ("scheme", "organiser")
    if scoped and place is None:
        return None
    if entry.when is not None and not entry.when(person, place):
        return None
    if entry.action is not None and not _may(person, entry.action, place if scoped else None):
        return None
    values: dict[str, Any] = {"scheme": place.slug} if scoped and place else {}
    try:
        url = url_for(entry.endpoint, **values)
    except BuildError:
        return None
    return Link(entry.label, url, request.endpoint == entry.endpoint)


def _may(person: Person, action: str, place: Place | None) -> bool:
    if place is not None:
        scope.allow(place.id)  # the person's roles there are rows of that scheme
    return permissions.can(person, action, place.id if place else None)
