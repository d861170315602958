"""``lets federation clear``: make a clearing run from the shell and print it as tables."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from lets_federation.clearing.models import ClearingRun
from lets_federation.clearing.operations import run_clearing
from lets_federation.clearing.schemas import fed
from lets_federation.clearing.tasks import near_limit_percent
from lets_platform.cli import transactional
from lets_platform.db import db
from lets_platform.tenancy.models import Scheme


@click.command("clear")
@click.option(
    "--since", default=None, type=click.DateTime(), help="Only trades cleared from then on (UTC)."
)
@transactional
def clear(since: datetime | None) -> None:
    """Net the cleared trades and store a clearing run; print positions, flows and savings."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    run = run_clearing(since, near_limit_percent=near_limit_percent())
    print_run(run, Console(width=120))


def print_run(run: ClearingRun, console: Console) -> None:
    slugs = {sid: slug for sid, slug in db.session.execute(select(Scheme.id, Scheme.slug))}
    console.print(f"clearing run {run.id} over {run.trade_count} cleared trades")
    totals = Table(title="Netting (federation units)")
    for column in ("gross", "bilateral net", "multilateral net", "cycle saving"):
        totals.add_column(column, justify="right")
    totals.add_row(
        fed(run.gross),
        fed(run.bilateral_net),
        fed(run.multilateral_net),
        fed(run.bilateral_net - run.multilateral_net),
    )
    console.print(totals)
    schemes = Table(title="Schemes")
    for column in ("scheme", "paid", "received", "net", "position", "max deficit", "max surplus"):
        schemes.add_column(column, justify="left" if column == "scheme" else "right")
    schemes.add_column("near limit")
    for row in run.schemes:
        schemes.add_row(
            slugs[row.scheme_id],
            *(fed(v) or "-" for v in (row.paid, row.received, row.net, row.position)),
            *(fed(v) or "-" for v in (row.max_deficit, row.max_surplus)),
            row.near_limit.upper() if row.near_limit else "",
        )
    console.print(schemes)
    pairs = Table(title="Bilateral flows")
    for column in ("a", "b", "a -> b", "b -> a", "net to a", "trades"):
        pairs.add_column(column, justify="left" if column in ("a", "b") else "right")
    for pair in run.pairs:
        pairs.add_row(
            slugs[pair.scheme_a_id],
            slugs[pair.scheme_b_id],
            fed(pair.a_to_b),
            fed(pair.b_to_a),
            fed(pair.b_to_a - pair.a_to_b),
            str(pair.trades),
        )
    console.print(pairs)
