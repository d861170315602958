"""A member's pages between schemes: paying a member of another scheme (a quote at
today's rates on a confirmation page before anything moves), their trades and states,
and, while their scheme winds up, their repayment position and choice of destination.
Dashboard panels show pending trades and the wind-up."""

from __future__ import annotations

from flask import Flask

from lets_platform import web


def init_app(app: Flask) -> None:
    from lets_federation.pages import invoices, panels, pay, trades, windup
    from lets_tenants.pages import dashboard
    from lets_tenants.pages.invoices import INVOICE_ELSEWHERE
    from lets_tenants.pages.pay import ELSEWHERE

    web.add_pages(app, pay.bp)
    web.add_pages(app, invoices.bp)
    web.add_pages(app, trades.bp, web.Nav("Trades", "fed_trades.index", order=35))
    web.add_pages(
        app,
        windup.bp,
        web.Nav("Wind-up", "fed_windup.page", order=50, when=windup.winding_up),
    )
    app.extensions[ELSEWHERE] = "fed_pay.form"
    app.extensions[INVOICE_ELSEWHERE] = "fed_invoices.new"
    dashboard.add_panel(app, panels.wind_up)
    dashboard.add_panel(app, panels.invoices_from_other_schemes)
    dashboard.add_panel(app, panels.pending_trades)
