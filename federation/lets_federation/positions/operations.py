"""Positions and limits: reading the federation ledger, setting scheme and pair limits.

A trade's positions move in batch clearing (``trades.writes``), within these limits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from lets_federation.positions.models import PairFlow, Position
from lets_federation.units import format_fed, parse_fed
from lets_platform import permissions
from lets_platform.audit.operations import record
from lets_platform.db import db, utcnow
from lets_platform.errors import _error
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme

ExceedsFederationLimit = _error(
    "exceeds_federation_limit",
    422,
    "The trade would take a scheme, or a pair of schemes, beyond its federation limit.",
)
SameScheme = _error(
    "use_scheme_transfer", 422, "Both sides are in one scheme: use a transfer within it."
)


def _insert(model: Any) -> Any:
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def ensure_position(scheme_id: int) -> None:
    """Create the scheme's position row (zero, no limits) unless it exists."""
    statement = _insert(Position).values(
        scheme_id=scheme_id, position=0, residue="0/1", updated_at=utcnow()
    )
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["scheme_id"]))


def list_positions() -> list[tuple[Scheme, Position]]:
    """Every scheme's position, by slug (a scheme without a row yet stands at zero)."""
    rows = db.session.execute(
        select(Scheme, Position)
        .outerjoin(Position, Position.scheme_id == Scheme.id)
        .order_by(Scheme.slug)
    )
    return [(s, p if p is not None else Position(scheme_id=s.id, position=0)) for s, p in rows]


def get_position(scheme: Scheme) -> Position:
    ensure_position(scheme.id)
    return db.session.get_one(Position, scheme.id, populate_existing=True)


def set_limits(slug: str, *, max_deficit: Any, max_surplus: Any, actor: Person | None) -> Position:
    """Set a scheme's limits (federation units as decimal strings; None: no limit).

    A limit may be set below the current position: trade that would go further is
    refused, trade back towards it still flows.
    """
    if actor is not None:
        permissions.require(actor, "federation.manage")
    deficit = None if max_deficit is None else parse_fed(max_deficit, "max_deficit")
    surplus = None if max_surplus is None else parse_fed(max_surplus, "max_surplus")
    scheme = get_scheme(slug)
    ensure_position(scheme.id)
    db.session.execute(
        update(Position)
        .where(Position.scheme_id == scheme.id)
        .values(max_deficit=deficit, max_surplus=surplus, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    record(
        "federation.limits_set",
        f"scheme:{slug}",
        actor_id=actor.id if actor else None,
        scheme_id=scheme.id,
        max_deficit=None if deficit is None else format_fed(deficit),
        max_surplus=None if surplus is None else format_fed(surplus),
    )
    return get_position(scheme)


def set_pair_limit(a: str, b: str, *, max_net_flow: Any, actor: Person | None) -> PairFlow:
    """Limit the net flow between two schemes either way (None: no limit)."""
    if actor is not None:
        permissions.require(actor, "federation.manage")
    limit = None if max_net_flow is None else parse_fed(max_net_flow, "max_net_flow")
    first, second = get_scheme(a), get_scheme(b)
    if first.id == second.id:
        raise SameScheme("A pair limit needs two different schemes.")
    low, high = sorted((first.id, second.id))
    statement = _insert(PairFlow).values(
        scheme_a_id=low, scheme_b_id=high, net_flow=0, max_net_flow=limit
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["scheme_a_id", "scheme_b_id"], set_={"max_net_flow": limit}
        )
    )
    record(
        "federation.pair_limit_set",
        f"pair:{a}:{b}",
        actor_id=actor.id if actor else None,
        max_net_flow=None if limit is None else format_fed(limit),
    )
    return db.session.get_one(PairFlow, (low, high), populate_existing=True)


def list_pairs() -> list[PairFlow]:
    return list(db.session.scalars(select(PairFlow).order_by(PairFlow.scheme_a_id)))
