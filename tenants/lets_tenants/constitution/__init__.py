"""Constitutions as code: each scheme's constitution as versioned text and parameters,
and what it governs: meetings, motions and ballots, EGM requests (``governance``),
joining, fees, renewal and termination (``joining``), budgets, claims and disputes
(``claims``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask


def _adopt_template(scheme: Any, actor: Any = None, template: str | None = None, **_: Any) -> None:
    from lets_tenants.constitution.operations import adopt_template

    if scheme.kind == "scheme":
        adopt_template(scheme, template, actor=actor)


def init_app(app: Flask) -> None:
    from lets_platform import migrate
    from lets_platform.api import register
    from lets_platform.signals import scheme_provisioned
    from lets_tenants.claims import models as _claims  # noqa: F401
    from lets_tenants.constitution import models as _constitution  # noqa: F401
    from lets_tenants.constitution.api import blp as constitution
    from lets_tenants.governance import models as _governance  # noqa: F401
    from lets_tenants.governance import notify  # noqa: F401  (declares the mail actor)
    from lets_tenants.governance.api import blp as governance
    from lets_tenants.joining import models as _joining  # noqa: F401

    register(app, constitution)
    register(app, governance)
    from lets_platform import jobs
    from lets_tenants.governance.tasks import EVERY, governance_sweep
    from lets_tenants.joining.api import blp as joining

    register(app, joining)
    from lets_tenants.claims.api import blp as claims

    register(app, claims)
    jobs.every(EVERY, governance_sweep)
    from lets_platform import demo
    from lets_tenants.constitution.demo import seed

    demo.register(15, "constitutions", seed)
    from lets_platform import web
    from lets_tenants.claims import views as claim_pages
    from lets_tenants.constitution import views as constitution_pages
    from lets_tenants.governance import views as governance_pages
    from lets_tenants.joining import views as standing_pages

    for pages in (constitution_pages, governance_pages, claim_pages, standing_pages):
        web.add_pages(app, pages.bp, *pages.NAV)
    from lets_tenants.pages.dashboard import add_panel

    add_panel(app, constitution_pages.membership_panel)
    from lets_tenants.constitution import cli

    cli.init_app(app)  # after the ledger's schemes and members
    scheme_provisioned.connect(_adopt_template)
    migrate.protect("constitution_versions", ())  # a change is a new version
    migrate.protect("votes", ())  # a vote is never changed
    migrate.protect("egm_signatures", ())
    migrate.protect("claim_approvals", ())
