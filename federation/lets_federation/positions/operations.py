"""Positions and limits: reading the federation ledger, setting scheme and pair limits,
and moving positions when a trade clears (conditional UPDATEs that carry the limits).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from lets_federation.positions.models import PairFlow, Position
from lets_federation.units import format_fed, parse_fed, parse_fraction, store_fraction
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


def move_positions(payer_scheme_id: int, payee_scheme_id: int, fed: int) -> dict[int, str]:
    """Move ``fed`` micro units from the payer's scheme to the payee's, within every limit.

    The two position rows and the pair row are changed in scheme-id order by conditional
    UPDATEs, each carrying its limit: the payer's scheme may not sink below its deficit
    limit, the payee's not rise above its surplus limit, and the pair's net flow not grow
    beyond its limit. Moves towards zero always pass. Call inside a savepoint: on
    ``exceeds_federation_limit`` the caller rolls it back.

    Returns:
        each scheme's stored residue, read by the same UPDATEs (for ``add_residue``).
    """
    residues = {}
    for scheme_id, delta in sorted([(payer_scheme_id, -fed), (payee_scheme_id, fed)]):
        residue = _move(scheme_id, delta)
        if residue is None:
            raise _limit_refusal(scheme_id, delta)
        residues[scheme_id] = residue
    _move_pair(payer_scheme_id, payee_scheme_id, fed)
    return residues


def _move(scheme_id: int, delta: int) -> str | None:
    """Move one position within its limit; returns its residue, or None if refused."""
    if delta < 0:
        within = (Position.max_deficit.is_(None)) | (
            Position.position + delta >= -Position.max_deficit
        )
    else:
        within = (Position.max_surplus.is_(None)) | (
            Position.position + delta <= Position.max_surplus
        )
    statement = (
        update(Position)
        .where(Position.scheme_id == scheme_id, within)
        .values(position=Position.position + delta, updated_at=utcnow())
        .returning(Position.residue)
        .execution_options(synchronize_session=False)
    )
    moved = db.session.execute(statement).first()
    if moved is not None:
        return str(moved[0])
    if db.session.get(Position, scheme_id) is None:  # a scheme from before its row
        ensure_position(scheme_id)
        return _move(scheme_id, delta)
    return None


def _limit_refusal(scheme_id: int, delta: int) -> Exception:
    position = db.session.get_one(Position, scheme_id, populate_existing=True)
    slug = db.session.get_one(Scheme, scheme_id).slug
    if delta < 0:
        limit = f"deficit limit of {format_fed(position.max_deficit or 0)}"
    else:
        limit = f"surplus limit of {format_fed(position.max_surplus or 0)}"
    return ExceedsFederationLimit(
        f"{slug} stands at {format_fed(position.position)} federation units; "
        f"{format_fed(abs(delta))} more would pass its {limit}.",
        scheme=slug,
    )


def _move_pair(payer_scheme_id: int, payee_scheme_id: int, fed: int) -> None:
    low, high = sorted((payer_scheme_id, payee_scheme_id))
    delta = fed if payer_scheme_id == low else -fed
    new = PairFlow.net_flow + delta
    within = PairFlow.max_net_flow.is_(None) | (
        (new <= PairFlow.max_net_flow) if delta > 0 else (new >= -PairFlow.max_net_flow)
    )
    statement = _insert(PairFlow).values(
        scheme_a_id=low, scheme_b_id=high, net_flow=delta, max_net_flow=None
    )
    statement = statement.on_conflict_do_update(
        index_elements=["scheme_a_id", "scheme_b_id"],
        set_={"net_flow": new},
        where=within,
    ).returning(PairFlow.scheme_a_id)
    if db.session.execute(statement).first() is None:
        pair = db.session.get_one(PairFlow, (low, high), populate_existing=True)
        raise ExceedsFederationLimit(
            f"The net flow between these two schemes stands at {format_fed(pair.net_flow)}; "
            f"the limit is {format_fed(pair.max_net_flow or 0)} either way.",
        )


def add_residue(scheme_id: int, residue: Fraction, known: dict[int, str] | None = None) -> None:
    """Add a leg's exact rounding residue to the scheme's running residue.

    Called after ``move_positions`` in the same transaction, which holds the row lock
    (so ``known``, the residues it read, are still current).
    """
    if residue == 0:
        return
    current = (known or {}).get(scheme_id)
    if current is None:
        query = select(Position.residue).where(Position.scheme_id == scheme_id)
        current = db.session.scalar(query)
    total = parse_fraction(current or "0/1") + residue
    db.session.execute(
        update(Position)
        .where(Position.scheme_id == scheme_id)
        .values(residue=store_fraction(total))
        .execution_options(synchronize_session=False)
    )
