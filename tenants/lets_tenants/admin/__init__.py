"""The organisers' pages of a scheme (``/s/<scheme>/admin/...``): members, accounts,
transfers entered from paper, corrections, imports, the audit log and OAuth clients."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lets_platform import web
    from lets_tenants.admin import views

    web.add_pages(app, views.bp, *views.NAV)
