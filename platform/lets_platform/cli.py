"""The ``lets`` command: database, serving, workers, persons, tokens, schemes, audit and demo.

Area packages add their own groups to ``app.cli`` in their ``init_app``.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from lets_platform import dbroles, invariants, migrate
from lets_platform.app import create_app
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.identity import operations as identity
from lets_platform.tenancy import operations as tenancy
from lets_platform.tenancy import scope

F = TypeVar("F", bound=Callable[..., Any])


def transactional(fn: F) -> F:
    """Run a command as one unit of work: commit on success, roll back and exit 1 on error."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
            return result
        except LetsError as exc:
            db.session.rollback()
            click.echo(f"error: {exc.code}: {exc.detail}", err=True)
            sys.exit(1)

    return run  # type: ignore[return-value]


def refuse_privileged(app: Any) -> None:
    """Exit 2 with the reason if the hub would serve as a superuser or an owner."""
    try:
        dbroles.refuse_privileged(app)
    except dbroles.PrivilegedRole as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@click.group(
    cls=FlaskGroup,
    create_app=create_app,
    add_default_commands=False,
    set_debug_flag=False,
    load_dotenv=False,
)
def main() -> None:
    """lets: the hub for Local Exchange Trading Schemes."""
    scope.allow_all()  # an operator at the shell acts for the national body


@main.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: head), as the tables' owner, and grant
    the app role (LETS_DATABASE_APP_ROLE) what it needs."""
    try:
        granted = migrate.upgrade(revision)
    except dbroles.PrivilegedRole as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"database at {revision}")
    if granted:
        click.echo(f"granted {granted}")
    elif db.engine.dialect.name == "postgresql":
        click.echo(
            "warning: LETS_DATABASE_APP_ROLE is unset, so no role was granted; the hub must "
            "serve as an ordinary role, not as the owner that ran this",
            err=True,
        )


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (default: one step; 'base' for empty)."""
    migrate.downgrade(revision)
    click.echo(f"database at {revision}")


@db_group.command("grant")
@click.argument("role")
@with_appcontext
def db_grant(role: str) -> None:
    """Grant ROLE (the application's PostgreSQL login) what the hub needs, and no more
    (``lets db upgrade`` does this itself for LETS_DATABASE_APP_ROLE)."""
    try:
        dbroles.grant(role)
    except dbroles.PrivilegedRole as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"granted {role}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve the hub (with an in-process job worker and scheduler when no Redis is
    configured)."""
    run_server(host, port)


def run_server(host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from lets_platform.jobs import start_in_process_worker
    from lets_platform.scheduler import start_in_process_scheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    refuse_privileged(app)
    # End the command's own unit of work: on SQLite an open transaction (even a read, since
    # each begins IMMEDIATE) would hold the write lock while the hub serves.
    db.session.remove()
    if not app.config.get("LETS_REDIS_URL"):  # the embedded default: all in this process
        start_in_process_worker(app)
        start_in_process_scheduler(app)
    click.echo(f"lets is serving on http://{host}:{port}/ (Ctrl-C to stop)")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.command("worker", context_settings={"ignore_unknown_options": True})
@click.argument("dramatiq_args", nargs=-1, type=click.UNPROCESSED)
def worker(dramatiq_args: tuple[str, ...]) -> None:
    """Run a dramatiq worker for the configured broker (extra args go to dramatiq)."""
    refuse_privileged(click.get_current_context().ensure_object(ScriptInfo).load_app())
    argv = [sys.executable, "-m", "dramatiq", "lets_platform.worker", *dramatiq_args]
    os.execv(sys.executable, argv)


@main.command("scheduler")
@with_appcontext
def scheduler() -> None:
    """Send the periodic jobs (trade sweeps, clearing runs, resuming migrations, unsent
    mail) when due. A second scheduler is harmless: each job goes once per period."""
    import threading

    from lets_platform.jobs import periodic
    from lets_platform.scheduler import run_scheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    refuse_privileged(app)
    for name, job in periodic().items():
        click.echo(f"every {job.seconds:g}s: {name}")
    try:
        run_scheduler(app, threading.Event())
    except KeyboardInterrupt:
        click.echo("scheduler stopped")


@main.group("users")
def users() -> None:
    """Persons who can log in."""


@users.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--admin", is_flag=True, help="A national administrator.")
@click.option("--password", default=None, help="Set a password (otherwise none yet).")
@with_appcontext
@transactional
def users_add(email: str, name: str, admin: bool, password: str | None) -> None:
    """Create a person."""
    person = identity.add_person(email, name, password=password, admin=admin)
    click.echo(f"added {person.email}{' (national administrator)' if admin else ''}", err=True)


@main.group("tokens")
def tokens() -> None:
    """API bearer tokens."""


@tokens.command("issue")
@click.argument("email")
@click.option("--name", default="cli", help="What the token is for.")
@with_appcontext
@transactional
def tokens_issue(email: str, name: str) -> None:
    """Issue a bearer token for EMAIL; prints only the token."""
    click.echo(identity.issue_token(identity.get_person(email), name))


class AreaGroup(click.Group):
    """A group of ``main`` that areas add commands to in their ``init_app`` (``lets schemes
    wind-up``): the app is loaded before a subcommand is looked up, so they are found."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        ctx.ensure_object(ScriptInfo).load_app()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        ctx.ensure_object(ScriptInfo).load_app()
        return super().list_commands(ctx)


@main.group("schemes", cls=AreaGroup)
def schemes() -> None:
    """Schemes (tenants) and their currencies."""


@schemes.command("create")
@click.argument("slug")
@click.option("--name", required=True)
@click.option("--currency-code", required=True)
@click.option("--currency-name", required=True, help='What members call the unit, e.g. "Links".')
@click.option("--decimals", default=2, show_default=True, type=int)
@click.option("--network", default=None, help="Regional network slug (created if new).")
@click.option("--rate", default="1", show_default=True, help="Units per federation unit.")
@click.option("--default-min-balance", default="0", show_default=True, help="Credit limit.")
@click.option(
    "--constitution",
    default=None,
    help="Constitution template: wiltshire, bright, london (default: model).",
)
@with_appcontext
@transactional
def schemes_create(
    slug: str,
    name: str,
    currency_code: str,
    currency_name: str,
    decimals: int,
    network: str | None,
    rate: str,
    default_min_balance: str,
    constitution: str | None,
) -> None:
    """Provision a scheme."""
    scheme = tenancy.provision_scheme(
        slug=slug,
        name=name,
        currency_code=currency_code,
        currency_name=currency_name,
        decimals=decimals,
        network=network,
        rate=rate,
        default_min_balance=default_min_balance,
        constitution=constitution,
    )
    click.echo(f"created scheme {scheme.slug} ({scheme.currency_name})")


@schemes.command("list")
@with_appcontext
def schemes_list() -> None:
    """List the schemes."""
    for scheme in tenancy.list_schemes():
        click.echo(f"{scheme.slug}\t{scheme.status}\t{scheme.currency_code}\t{scheme.name}")


@main.command("audit")
@click.argument("scheme", required=False)
@with_appcontext
def audit(scheme: str | None) -> None:
    """Prove the books from the database; exit 1 with a report if anything is wrong."""
    if scheme:
        tenancy.get_scheme(scheme)
    findings = invariants.run_all(scheme)
    checked = ", ".join(invariants.names())
    if not findings:
        click.echo(f"audit passed ({checked}) for {scheme or 'every scheme'}")
        return
    for finding in findings:
        click.echo(f"FAIL {finding.scheme}: {finding.check}: {finding.detail}")
    click.echo(f"audit failed: {len(findings)} finding(s)")
    sys.exit(1)


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Seed and print, but do not serve.")
@with_appcontext
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create, migrate and seed a demo hub, print tokens and URLs, and serve it."""
    from lets_platform.demo_run import seed_and_describe

    base_url = f"http://{host}:{port}"
    click.echo(seed_and_describe(base_url))
    click.echo(f"Sign in at {base_url}/login; single sign-on (OpenID Connect) discovery:")
    click.echo(f"  {base_url}/.well-known/openid-configuration")
    current_app.config["SESSION_COOKIE_SECURE"] = False  # the demo serves plain http
    if not no_serve:
        run_server(host, port)
