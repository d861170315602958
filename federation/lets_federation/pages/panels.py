"""The federation's panels on a member's dashboard."""

from __future__ import annotations

from lets_federation.trades import operations as trades
from lets_federation.windup.operations import WindUpNotFound, get_wind_up
from lets_platform.identity.models import Person
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.pages.dashboard import Panel


def pending_trades(person: Person, scheme: Scheme, account: Account) -> Panel | None:
    scope.allow_all()  # a trade's other side is another scheme's row
    pending = [
        t
        for t in trades.list_trades(person, scheme=scheme.slug, state="pending", limit=20)
        if account.id in (t.payer_account_id, t.payee_account_id)
    ]
    return Panel("fed/_pending_panel.html", {"trades": pending, "account": account})


def wind_up(person: Person, scheme: Scheme, account: Account) -> Panel | None:
    if scheme.status != "winding_up":
        return None
    try:
        found = get_wind_up(scheme)
    except WindUpNotFound:
        return None
    return Panel("fed/_windup_panel.html", {"wind_up": found})


def invoices_from_other_schemes(person: Person, scheme: Scheme, account: Account) -> Panel | None:
    from lets_federation.invoices.operations import list_invoices

    scope.allow_all()
    open_ones = list_invoices([account], state="open", limit=20)
    if not open_ones:
        return None
    return Panel("fed/_invoices_panel.html", {"invoices": open_ones, "account": account})
