"""The national body's pages (``/hub/...``): provisioning, networks, rates, limits,
clearing, pools, wind-ups, migrations and merges; and the organisers' wind-up pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lets_federation.hub import views
    from lets_platform import web

    web.add_pages(app, views.bp, *views.NAV)
    web.add_pages(app, views.windup_bp, *views.WINDUP_NAV)
