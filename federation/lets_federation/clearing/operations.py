"""Making and reading clearing runs.

A run asks the database for ONE aggregate — cleared trades grouped by (payer scheme, payee
scheme) — and nets the at most n² rows in Python (``netting``); trades are never loaded.
It then reads each scheme's current position and limits to flag those close to a limit,
and stores the figures.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from lets_federation.clearing import netting
from lets_federation.clearing.models import ClearingRun, ClearingRunPair, ClearingRunScheme
from lets_federation.positions.models import Position
from lets_federation.trades.models import Trade
from lets_platform.db import db, utcnow
from lets_platform.errors import _error
from lets_platform.identity.models import Person

ClearingRunNotFound = _error("clearing_run_not_found", 404, "No such clearing run.")

#: A scheme is flagged when its position has used this share (in %) of a limit.
DEFAULT_NEAR_LIMIT_PERCENT = 80


@dataclass(frozen=True)
class Standing:
    """A scheme's federation position and limits (positive magnitudes; None: no limit)."""

    position: int
    max_deficit: int | None
    max_surplus: int | None


def flows(since: datetime | None = None) -> list[netting.Flow]:
    """Cleared trades summed per ordered pair of schemes, by one GROUP BY in the database."""
    query = select(
        Trade.payer_scheme_id,
        Trade.payee_scheme_id,
        func.sum(Trade.fed_amount),
        func.count(),
    ).where(Trade.state == "cleared")
    if since is not None:
        query = query.where(Trade.decided_at >= since)
    query = query.group_by(Trade.payer_scheme_id, Trade.payee_scheme_id)
    return [
        netting.Flow(payer, payee, int(amount or 0), int(count))
        for payer, payee, amount, count in db.session.execute(query)
    ]


def standings() -> dict[int, Standing]:
    """Every scheme's current position and limits, from the federation's positions table."""
    rows = db.session.execute(
        select(Position.scheme_id, Position.position, Position.max_deficit, Position.max_surplus)
    )
    return {sid: Standing(int(pos), deficit, surplus) for sid, pos, deficit, surplus in rows}


def run_clearing(
    since: datetime | None = None,
    *,
    actor: Person | None = None,
    near_limit_percent: int = DEFAULT_NEAR_LIMIT_PERCENT,
) -> ClearingRun:
    """Net the cleared trades (all, or those cleared since ``since``) and store the run.

    Args:
        since: count only trades cleared at or after this moment; None: every cleared trade.
        near_limit_percent: flag a scheme whose position has used this share of a limit.
    Returns:
        the flushed run; its scheme and pair rows are written with two multi-row INSERTs
        (up to n + n²/2 rows) and load on first access. gross >= bilateral >= multilateral.
    """
    started = utcnow()
    result = netting.net(flows(since))
    run = ClearingRun(
        id=uuid.uuid4(),
        started_at=started,
        since=since,
        trade_count=result.trades,
        gross=result.gross,
        bilateral_net=result.bilateral_net,
        multilateral_net=result.multilateral_net,
        near_limit_percent=near_limit_percent,
        started_by_id=actor.id if actor else None,
    )
    db.session.add(run)
    db.session.flush()
    _insert_rows(ClearingRunScheme, _scheme_rows(run.id, result, standings(), near_limit_percent))
    pairs = [
        {"run_id": run.id, "scheme_a_id": p.a, "scheme_b_id": p.b, "a_to_b": p.a_to_b}
        | {"b_to_a": p.b_to_a, "trades": p.trades}
        for p in result.pairs.values()
    ]
    _insert_rows(ClearingRunPair, pairs)
    run.finished_at = utcnow()
    db.session.flush()
    return run


def _insert_rows(model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in one statement. On PostgreSQL each column travels as one array
    and ``unnest`` makes the rows on the server (an executemany of the up to n²/2 pair
    rows would cost more than the GROUP BY itself); elsewhere, an executemany."""
    if not rows:
        return
    table = model.__table__
    dialect = db.session.get_bind().dialect
    if dialect.name != "postgresql":
        db.session.execute(table.insert(), rows)
        return
    names = list(rows[0])
    arrays = ", ".join(f"CAST(:{n} AS {table.c[n].type.compile(dialect=dialect)}[])" for n in names)
    db.session.execute(
        text(f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({arrays})"),
        {n: [row[n] for row in rows] for n in names},
    )


def _scheme_rows(
    run_id: uuid.UUID, result: netting.Netting, current: dict[int, Standing], percent: int
) -> list[dict[str, Any]]:
    rows = []
    nobody = Standing(0, None, None)
    for scheme_id in sorted(result.schemes.keys() | current.keys()):
        totals = result.schemes.get(scheme_id, netting.SchemeNet(scheme_id, 0, 0))
        standing = current.get(scheme_id, nobody)
        rows.append(
            {
                "run_id": run_id,
                "scheme_id": scheme_id,
                "paid": totals.paid,
                "received": totals.received,
                "net": totals.net,
                "position": standing.position,
                "max_deficit": standing.max_deficit,
                "max_surplus": standing.max_surplus,
                "near_limit": netting.near_limit(
                    standing.position, standing.max_deficit, standing.max_surplus, percent
                ),
            }
        )
    return rows


def get_run(run_id: Any) -> ClearingRun:
    try:
        rid = uuid.UUID(str(run_id))
    except ValueError:
        raise ClearingRunNotFound(f"There is no clearing run {run_id!r}.") from None
    run = db.session.get(ClearingRun, rid)
    if run is None:
        raise ClearingRunNotFound(f"There is no clearing run {run_id}.")
    return run


def list_runs(limit: int = 50, before: datetime | None = None) -> list[ClearingRun]:
    """Newest first; page with ``before`` (the ``started_at`` of the last run seen)."""
    query = (
        select(ClearingRun)
        .options(selectinload(ClearingRun.schemes))  # the summaries name the flagged schemes
        .order_by(ClearingRun.started_at.desc(), ClearingRun.id)
    )
    if before is not None:
        query = query.where(ClearingRun.started_at < before)
    return list(db.session.scalars(query.limit(limit)))
