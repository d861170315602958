"""Demo data: one clearing run over the demo's cleared inter-scheme trades."""

from __future__ import annotations

from lets_federation.clearing.operations import run_clearing
from lets_platform.demo import DemoContext


def seed(context: DemoContext) -> None:
    run = run_clearing(actor=context.people.get("nadia"))
    context.notes.append(
        f"Clearing run over {run.trade_count} trades: GET /api/v1/federation/clearing-runs/"
        f"{run.id} (national body, organisers); `lets federation clear` makes another"
    )
