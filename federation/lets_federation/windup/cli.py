"""``lets schemes wind-up``, ``wind-up-status`` and ``wind-up-choice``: a wind-up from the shell
(the operator acts for the national body)."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import Flask
from flask.cli import with_appcontext

from lets_federation.windup import choices as choice_ops
from lets_federation.windup import operations as ops
from lets_federation.windup.report import repayment
from lets_federation.windup.schemas import repayment_out
from lets_platform.cli import transactional
from lets_platform.identity.operations import get_person
from lets_platform.tenancy.operations import get_scheme


def _date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command("wind-up")
@click.argument("scheme")
@click.option("--ballot-for", type=int, required=True, help="Votes for winding up.")
@click.option("--ballot-against", type=int, required=True, help="Votes against.")
@click.option("--abstaining", type=int, default=0, show_default=True)
@click.option("--meeting-date", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--deadline", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--significant-debit", default=None, help="Amount the meeting called significant.")
@click.option("--by", "by", default=None, help="Email of who records it (default: the hub).")
@with_appcontext
@transactional
def wind_up(
    scheme: str,
    ballot_for: int,
    ballot_against: int,
    abstaining: int,
    meeting_date: datetime | None,
    deadline: datetime,
    significant_debit: str | None,
    by: str | None,
) -> None:
    """Record the ballot that winds SCHEME up and the repayment DEADLINE; notify members."""
    decided = ops.decide(
        get_scheme(scheme),
        votes_for=ballot_for,
        votes_against=ballot_against,
        votes_abstaining=abstaining,
        meeting_date=_date(meeting_date),
        deadline=deadline.date(),
        significant_debit=significant_debit,
        actor=get_person(by) if by else None,
    )
    click.echo(
        f"{scheme} is winding up: repay by {decided.deadline}; default destination "
        f"{decided.pool.slug}; members will be notified"
    )


@click.command("wind-up-status")
@click.argument("scheme")
@with_appcontext
def wind_up_status(scheme: str) -> None:
    """The repayment period: deadline, debtors, creditors, what is left to repay, its trend."""
    wind_up = ops.get_wind_up(get_scheme(scheme))
    out = repayment_out(repayment(wind_up), choice_ops.destinations(wind_up))
    click.echo(
        f"{scheme}: {out['state']}, deadline {out['deadline']} ({out['days_left']} days left), "
        f"default destination {out['pool']}"
    )
    click.echo(f"to repay: {out['to_repay']} {out['currency']}; in credit: {out['in_credit']}")
    for title, rows in (("debtors", out["debtors"]), ("creditors", out["creditors"])):
        click.echo(f"{title}:")
        for row in rows:
            mark = " (significant)" if row["significant"] else ""
            click.echo(f"  {row['account']}\t{row['balance']}{mark}")
    click.echo("trend (to repay at the end of each day):")
    for point in out["trend"]:
        click.echo(f"  {point['date']}\t{point['to_repay']}")
    click.echo(f"choices made: {out['choices_made']} of {out['members']} members")


@click.command("wind-up-choice")
@click.argument("scheme")
@click.argument("member")
@click.argument("destination")
@click.option("--handle", default=None, help="Handle at the destination, if not a member there.")
@with_appcontext
@transactional
def wind_up_choice(scheme: str, member: str, destination: str, handle: str | None) -> None:
    """Record MEMBER's DESTINATION (a scheme's slug, or "pool") given on paper."""
    choice = choice_ops.choose(
        get_scheme(scheme), actor=None, member=member, destination=destination, handle=handle
    )
    click.echo(f"{scheme}/{member} -> {choice.destination.slug}/{choice.destination_handle}")


def init_app(app: Flask) -> None:
    """Add the commands to ``lets schemes`` (the platform's group)."""
    from lets_platform.cli import schemes

    for command in (wind_up, wind_up_status, wind_up_choice):
        if command.name not in schemes.commands:
            schemes.add_command(command)
