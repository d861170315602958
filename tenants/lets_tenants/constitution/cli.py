"""``lets constitution``: a scheme's constitution from the shell, and the governance sweep."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from lets_platform.cli import transactional
from lets_platform.tenancy import scope
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.constitution import operations as ops
from lets_tenants.constitution.schemas import parameters_out

constitution = AppGroup("constitution", help="Schemes' constitutions.")


@constitution.command("show")
@click.argument("scheme")
@transactional
def show(scheme: str) -> None:
    """The version in force: each rule, its value and its clause."""
    found = get_scheme(scheme)
    version = ops.current(found)
    click.echo(f"{found.name}: version {version.number} ({version.template}), {version.note}")
    for p in parameters_out(version.parameters, version.clauses):
        click.echo(f"  {p['clause'] or '-':<8} {p['label']}: {p['plain']}")


@constitution.command("sweep")
@transactional
def sweep() -> None:
    """Run the governance sweep now (minutes reminders, deemed resignations, lapsed EGM
    requests, renewal reminders and lapses); ``lets scheduler`` runs it every hour."""
    from lets_tenants.governance import egm
    from lets_tenants.governance.tasks import notify_deemed_resigned, remind_minutes
    from lets_tenants.joining.operations import sweep_renewals

    scope.allow_all()
    click.echo(f"minutes reminders: {remind_minutes()}")
    click.echo(f"told deemed resigned: {notify_deemed_resigned()}")
    click.echo(f"EGM requests lapsed: {egm.lapse_overdue()}")
    click.echo(f"renewals: {sweep_renewals()}")


def init_app(app: Flask) -> None:
    if constitution.name not in app.cli.commands:
        app.cli.add_command(constitution)
