"""``lets oauth``: register and list the applications that sign people in through the hub."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from lets_platform.cli import transactional
from lets_platform.oauth import operations as ops
from lets_platform.tenancy.operations import get_scheme

oauth = AppGroup("oauth", help="OAuth2 / OpenID Connect clients.")


@oauth.command("register-client")
@click.argument("name")
@click.option("--redirect-uri", "redirect_uris", multiple=True, required=True)
@click.option("--scheme", default=None, help="The scheme it acts for (default: the hub).")
@click.option("--scopes", default=None, help=f'Default: "{ops.DEFAULT_SCOPES}".')
@transactional
def register_client(
    name: str, redirect_uris: tuple[str, ...], scheme: str | None, scopes: str | None
) -> None:
    """Register client NAME; prints its id and its secret (shown only now)."""
    owner = get_scheme(scheme) if scheme else None
    client, secret = ops.register_client(
        name=name, redirect_uris=list(redirect_uris), scopes=scopes, scheme=owner, actor=None
    )
    click.echo(f"client_id={client.client_id}")
    click.echo(f"client_secret={secret}")


@oauth.command("list-clients")
@click.option("--scheme", default=None, help="The scheme's clients (default: the hub's).")
def list_clients(scheme: str | None) -> None:
    """List the clients of a scheme or of the national body."""
    owner = get_scheme(scheme) if scheme else None
    for client in ops.list_clients(owner):
        click.echo(
            f"{client.client_id}\t{client.name}\t{client.scopes}\t{' '.join(client.redirect_uris)}"
        )


def init_app(app: Flask) -> None:
    if oauth.name not in app.cli.commands:
        app.cli.add_command(oauth)
