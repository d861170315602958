"""``lets schemes import``: bring a scheme's members, balances and offers from CSV files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from lets_platform.cli import schemes, transactional
from lets_platform.db import db
from lets_platform.identity.operations import get_person
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.imports import operations as ops

CsvFile = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("import")
@click.argument("scheme")
@click.option("--accounts", "accounts", required=True, type=CsvFile, help="Members and accounts.")
@click.option("--offers", "offers", default=None, type=CsvFile, help="Offers (optional).")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@click.option("--by", "by", default=None, help="Email of the person importing (recorded).")
@with_appcontext
@transactional
def import_command(
    scheme: str, accounts: Path, offers: Path | None, dry_run: bool, by: str | None
) -> None:
    """Import SCHEME's members, opening balances and offers: all rows or none."""
    found = get_scheme(scheme)
    try:
        summary = ops.import_scheme(
            found,
            accounts=accounts.read_bytes(),
            offers=offers.read_bytes() if offers else None,
            actor=get_person(by) if by else None,
            dry_run=dry_run,
        )
    except ops.ImportInvalid as exc:
        db.session.rollback()
        names = {"accounts": accounts.name, "offers": offers.name if offers else "offers"}
        for error in exc.extra["errors"]:
            where = names[error["file"]] + (f":{error['line']}" if error["line"] else "")
            column = f" [{error['column']}]" if error["column"] else ""
            click.echo(f"{where}{column}: {error['code']}: {error['message']}", err=True)
        click.echo(f"error: import_invalid: {exc.detail}", err=True)
        sys.exit(1)
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {summary.members} members, {summary.central_accounts} central accounts, "
        f"{summary.offers} offers into {scheme}; opening balances "
        f"{summary.opening_transfers} transfers, total credit "
        f"{found.currency.format(summary.total_credit)}"
    )
    if dry_run:
        db.session.rollback()


def init_app(app: Flask) -> None:
    if "import" not in schemes.commands:
        schemes.add_command(import_command)
