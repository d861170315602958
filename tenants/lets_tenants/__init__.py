"""Everything inside one scheme: members, accounts, the ledger, invoices, statements, the
directory's offers and imports from legacy systems."""

from __future__ import annotations

from typing import Any

from flask import Flask

from lets_platform import demo as demo_registry
from lets_platform import invariants
from lets_platform.api import register
from lets_platform.signals import scheme_provisioned


def _open_federation_account(scheme: Any, **_: Any) -> None:
    from lets_tenants.accounts.operations import open_federation_account

    open_federation_account(scheme)


def init_app(app: Flask) -> None:
    from lets_tenants import admin, cli, directory, pages
    from lets_tenants.accounts.api import blp as accounts
    from lets_tenants.activity.api import blp as activity
    from lets_tenants.demo import seed
    from lets_tenants.imports import cli as imports_cli
    from lets_tenants.imports.api import blp as imports
    from lets_tenants.invoices.api import blp as invoices
    from lets_tenants.ledger import tasks  # noqa: F401  (declares the actors)
    from lets_tenants.ledger.api import blp as transfers
    from lets_tenants.ledger.checks import check_ledger
    from lets_tenants.membership.api import blp as members
    from lets_tenants.membership.api import me_blp as me
    from lets_tenants.statements.api import blp as statements

    for blueprint in (me, members, accounts, transfers, invoices, statements, imports, activity):
        register(app, blueprint)
    scheme_provisioned.connect(_open_federation_account)
    invariants.register("ledger", check_ledger)
    demo_registry.register(10, "ledger", seed)
    cli.init_app(app)
    directory.init_app(app)
    imports_cli.init_app(app)
    pages.init_app(app)
    admin.init_app(app)
    from lets_tenants import constitution

    constitution.init_app(app)
