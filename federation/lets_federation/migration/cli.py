"""``lets schemes wind-up-migrate SCHEME [--follow]`` and ``lets schemes merge SCHEME --into
OTHER``: start (or resume) the migration job, and follow it with a progress bar."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import click
from dramatiq.brokers.stub import StubBroker
from flask import Flask, current_app
from flask.cli import with_appcontext
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from lets_federation.migration import starts
from lets_federation.migration.models import MigrationRun
from lets_federation.migration.operations import run_batch
from lets_platform import jobs
from lets_platform.cli import transactional
from lets_platform.db import db

#: Seconds between polls of the progress while following.
POLL_EVERY = 0.5


@click.command("wind-up-migrate")
@click.argument("scheme")
@click.option("--follow", is_flag=True, help="Show a progress bar until the job finishes.")
@click.option("--force", is_flag=True, help="Start before the repayment period is over.")
@click.option("--reason", default=None, help="Why the start is forced (required with --force).")
@with_appcontext
def wind_up_migrate(scheme: str, follow: bool, force: bool, reason: str | None) -> None:
    """Move every balance of a winding-up scheme to its destinations, then close it
    (not before the repayment deadline, unless ``--force --reason``)."""
    run = _start(lambda: starts.start_wind_up(scheme, actor=None, force=force, reason=reason))
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


def follow_run(run_id: uuid.UUID) -> None:
    """Draw the run's progress until it is finished: polling it while workers run the job,
    or, with the embedded in-process broker (no worker outside), running its batches here."""
    inline = isinstance(jobs.broker_of(current_app), StubBroker)
    columns = (TextColumn("moving balances"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns) as bar:
        task = None
        while True:
            db.session.rollback()  # a fresh snapshot each poll
            run = db.session.get_one(MigrationRun, run_id, populate_existing=True)
            if task is None:
                task = bar.add_task("migration", total=run.total)
            bar.update(task, completed=run.done)
            if run.state == "finished":
                break
            if inline:
                run_batch(run_id, int(current_app.config["LETS_MIGRATION_BATCH_SIZE"]))
                db.session.commit()
            else:
                time.sleep(POLL_EVERY)
    click.echo("finished: every account is closed at zero")


def init_cli(app: Flask) -> None:
    """Add the commands to ``lets schemes`` (the platform's group)."""
    from lets_platform.cli import schemes

    for command in (wind_up_migrate, merge):
        if command.name not in schemes.commands:
            schemes.add_command(command)
