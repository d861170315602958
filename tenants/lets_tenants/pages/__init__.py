"""A member's pages in their scheme (``/s/<scheme>/...``): the dashboard, paying, invoices,
the statement and their profile; and anyone's public page of a scheme.

Each view is glue over the operations the API calls (``lets_tenants.context.scheme_for``
for the caller's permission, then the ledger's, invoices' and statements' operations).
Other areas add panels to the dashboard with ``dashboard.add_panel`` (the federation's
pending trades and a winding-up scheme's choices).
"""

from __future__ import annotations

from flask import Flask

from lets_platform import web


def init_app(app: Flask) -> None:
    from lets_tenants.pages import filters, invoices, pay, places, statement, views

    web.provide_places(app, places.places_of, scheme_home="member.dashboard")
    filters.init_app(app)
    web.add_pages(app, views.bp, *views.NAV)
    for blueprint in (pay.bp, invoices.bp, statement.bp):
        web.add_pages(app, blueprint)
