"""``lets federation``: rates, limits, trades, positions and the sweep from the shell."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from lets_federation.positions import operations as positions
from lets_federation.rates import operations as rates
from lets_federation.schemas import position_out, rate_out
from lets_federation.trades import operations as trades
from lets_federation.units import format_rate
from lets_platform.cli import transactional
from lets_platform.identity.operations import get_person

federation = AppGroup("federation", help="The federation of schemes.")


@federation.command("set-rate")
@click.argument("scheme")
@click.argument("rate")
@transactional
def set_rate(scheme: str, rate: str) -> None:
    """Set SCHEME's RATE: units of its currency per federation unit ("10", "25/2")."""
    change = rates.set_rate(scheme, rate, actor=None)
    click.echo(f"{scheme}: {format_rate(change.rate)} per federation unit")


@federation.command("rates")
@click.argument("scheme", required=False)
def list_rates(scheme: str | None) -> None:
    """Current rates, or SCHEME's rate history."""
    if scheme:
        for change in rates.rate_history(scheme):
            click.echo(f"{change.set_at:%Y-%m-%d %H:%M}\t{format_rate(change.rate)}")
        return
    for found in rates.current_rates():
        row = rate_out(found)
        click.echo(f"{row['scheme']}\t{row['currency']}\t{row['rate']}")


@federation.command("set-limits")
@click.argument("scheme")
@click.option("--max-deficit", default=None, help="Federation units; omit for no limit.")
@click.option("--max-surplus", default=None, help="Federation units; omit for no limit.")
@transactional
def set_limits(scheme: str, max_deficit: str | None, max_surplus: str | None) -> None:
    """Limit SCHEME's federation position."""
    positions.set_limits(scheme, max_deficit=max_deficit, max_surplus=max_surplus, actor=None)
    click.echo(
        f"limits of {scheme}: deficit {max_deficit or 'none'}, surplus {max_surplus or 'none'}"
    )


@federation.command("set-pair-limit")
@click.argument("first")
@click.argument("second")
@click.option("--max-net-flow", default=None, help="Federation units; omit for no limit.")
@transactional
def set_pair_limit(first: str, second: str, max_net_flow: str | None) -> None:
    """Limit the net flow between FIRST and SECOND, either way."""
    positions.set_pair_limit(first, second, max_net_flow=max_net_flow, actor=None)
    click.echo(f"pair limit {first}-{second}: {max_net_flow or 'none'}")


@federation.command("trade")
@click.argument("payer")
@click.argument("payee")
@click.argument("amount")
@click.option("--currency", type=click.Choice(["payer", "payee"]), default="payer")
@click.option("--memo", default="")
@click.option("--entered-by", default=None, help="Email of who enters it (default: the hub).")
@click.option("--now", "clear_now", is_flag=True, help="Clear it here instead of by a worker.")
@transactional
def trade(
    payer: str,
    payee: str,
    amount: str,
    currency: str,
    memo: str,
    entered_by: str | None,
    clear_now: bool,
) -> None:
    """PAYER (scheme/handle) pays PAYEE (scheme/handle) AMOUNT in --currency's units."""
    person = get_person(entered_by) if entered_by else None
    made = trades.create_trade(
        person, payer=payer, payee=payee, amount=amount, currency=currency, memo=memo
    )
    if clear_now:
        made = trades.settle(made.id) or made
    click.echo(f"{made.id}\t{made.state}\t{made.reason or ''}")


@federation.command("positions")
def list_positions() -> None:
    """Each scheme's position and limits, in federation units."""
    for scheme, position in positions.list_positions():
        row = position_out(scheme, position)
        click.echo(
            f"{row['scheme']}\t{row['position']}\t"
            f"deficit<={row['max_deficit'] or '-'}\tsurplus<={row['max_surplus'] or '-'}"
        )


@federation.command("sweep")
@transactional
def sweep() -> None:
    """Expire trades not cleared in time; re-send clearing for stale pending ones."""
    report = trades.sweep()
    click.echo(f"{report.expired} expired, {report.resent} re-sent")


def init_app(app: Flask) -> None:
    app.cli.add_command(federation)
