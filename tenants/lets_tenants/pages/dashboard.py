"""The member's dashboard: what it shows beyond the account is made of panels, so that
other areas (the federation's pending trades, a wind-up) add theirs without this module
knowing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.invoices import operations as invoices
from lets_tenants.invoices.models import Invoice
from lets_tenants.ledger import operations as ledger
from lets_tenants.ledger.models import Transfer


@dataclass(frozen=True)
class Panel:
    """A part of the dashboard: a template included with ``values``."""

    template: str
    values: dict[str, Any]


#: (person, scheme, account) -> a panel, or None for nothing to show.
PanelSource = Callable[[Person, Scheme, Account], Panel | None]
_PANELS = "lets_dashboard_panels"


def add_panel(app: Flask, source: PanelSource) -> None:
    app.extensions.setdefault(_PANELS, []).append(source)


def panels(person: Person, scheme: Scheme, account: Account) -> list[Panel]:
    found = (source(person, scheme, account) for source in current_app.extensions.get(_PANELS, []))
    return [panel for panel in found if panel is not None]


@dataclass
class Summary:
    account: Account
    recent: list[Transfer]
    to_pay: list[Invoice]
    sent: list[Invoice]


def summary(scheme: Scheme, account: Account, recent: int = 5) -> Summary:
    """The account with its latest transfers and its open invoices, both ways."""
    transfers, _ = ledger.list_transfers(scheme, account=account, limit=recent)
    open_ones = invoices.list_invoices(scheme, account=account, state="open")
    return Summary(
        account=account,
        recent=transfers,
        to_pay=[i for i in open_ones if i.payer_id == account.id],
        sent=[i for i in open_ones if i.sender_id == account.id],
    )
