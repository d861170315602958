"""``lets schemes wind-up-migrate SCHEME [--follow]`` and ``lets schemes merge SCHEME --into
OTHER``: start (or resume) the migration job, and follow it with a progress bar."""

from __future__ import annotations

import time
from collections.abc import Callable

import click
from flask import Flask
from flask.cli import with_appcontext
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from lets_federation.migration import starts
from lets_federation.migration.models import MigrationRun
from lets_platform.cli import transactional
from lets_platform.db import db

#: Seconds between polls of the progress while following.
POLL_EVERY = 0.5


@click.command("wind-up-migrate")
@click.argument("scheme")
@click.option("--follow", is_flag=True, help="Show a progress bar until the job finishes.")
@with_appcontext
def wind_up_migrate(scheme: str, follow: bool) -> None:
    """Move every balance of a winding-up scheme to its destinations, then close it."""
    run = _start(lambda: starts.start_wind_up(scheme, actor=None))
    _report(run, scheme, follow)


@click.command("merge")
@click.argument("scheme")
@click.option("--into", "into", required=True, help="The scheme that takes the members in.")
@click.option("--follow", is_flag=True, help="Show a progress bar until the job finishes.")
@with_appcontext
def merge(scheme: str, into: str, follow: bool) -> None:
    """Merge SCHEME into another: its members and balances move there, then it closes."""
    run = _start(lambda: starts.start_merge(scheme, into=into, actor=None))
    _report(run, scheme, follow)


@transactional
def _start(start: Callable[[], MigrationRun]) -> MigrationRun:
    return start()


def _report(run: MigrationRun, scheme: str, follow: bool) -> None:
    click.echo(f"migration {run.id} of {scheme}: {run.done}/{run.total} moved ({run.state})")
    if follow:
        follow_run(run.id)


def follow_run(run_id: object) -> None:
    """Poll the run's progress and draw it until it is finished."""
    columns = (TextColumn("moving balances"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns) as bar:
        task = None
        while True:
            db.session.rollback()  # a fresh snapshot each poll
            run = db.session.get_one(MigrationRun, run_id)
            if task is None:
                task = bar.add_task("migration", total=run.total)
            bar.update(task, completed=run.done)
            if run.state == "finished":
                break
            time.sleep(POLL_EVERY)
    click.echo("finished: every account is closed at zero")


def init_cli(app: Flask) -> None:
    """Add the commands to ``lets schemes`` (the platform's group)."""
    from lets_platform.cli import schemes

    for command in (wind_up_migrate, merge):
        if command.name not in schemes.commands:
            schemes.add_command(command)
