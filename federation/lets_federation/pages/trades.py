"""A member's trades with other schemes and their states (pending until the clearing job
decides; then cleared, or rejected or expired with the reason)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from lets_federation.trades import operations as trades
from lets_platform import web
from lets_platform.tenancy import scope
from lets_tenants.pages.views import my_account

bp = Blueprint("fed_trades", __name__, template_folder="templates", url_prefix="/s/<scheme>")

#: What each state means to the member.
STATES = {
    "pending": ("Going through", "yellow"),
    "cleared": ("Done", "green"),
    "rejected": ("Refused", "red"),
    "expired": ("Timed out", "grey"),
}


@bp.route("/trades")
@web.login_required
def index(scheme: str) -> Any:
    person, found, _, account = my_account(scheme)
    scope.allow_all()
    mine = [
        t
        for t in trades.list_trades(person, scheme=found.slug, limit=100)
        if account.id in (t.payer_account_id, t.payee_account_id)
    ]
    return render_template(
        "fed/trades.html", scheme=found, trades=mine, account=account, states=STATES
    )


@bp.route("/trades/<trade_id>")
@web.login_required
def detail(scheme: str, trade_id: str) -> Any:
    person, found, _, account = my_account(scheme)
    scope.allow_all()
    trade = trades.get_trade(person, trade_id)
    return render_template(
        "fed/trade.html", scheme=found, trade=trade, account=account, states=STATES
    )
