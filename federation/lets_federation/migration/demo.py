"""Demo data: Kennet LETS, merged into the Wiltshire Exchange Scheme, closed with its report."""

from __future__ import annotations

from lets_federation.migration import starts
from lets_federation.migration.operations import run_batch
from lets_platform.demo import DemoContext
from lets_platform.tenancy.operations import provision_scheme
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.operations import add_member

SLUG = "kennet"
INTO = "wiltshire"
MEMBERS = [("una", "Una Usher"), ("vic", "Vic Vane"), ("wyn", "Wyn Webb")]
PAYMENTS = [("una", "vic", "18.00", "Bike repair"), ("wyn", "vic", "6.50", "Eggs")]


def seed(context: DemoContext) -> None:
    national = context.people["nadia"]
    scheme = provision_scheme(
        slug=SLUG,
        name="Kennet LETS",
        network="south-west",
        currency_code="KEN",
        currency_name="Kennets",
        rate="12",
        default_min_balance="-100.00",
        actor=national,
    )
    for handle, name in MEMBERS:
        add_member(
            scheme, email=f"{handle}@demo.lets", display_name=name, handle=handle, actor=None
        )
    for payer, payee, amount, memo in PAYMENTS:
        transfer(scheme, payer=payer, payee=payee, amount=amount, memo=memo, entered_by=None)
    run = starts.start_merge(SLUG, into=INTO, actor=national)
    while run_batch(run.id):
        pass
    context.notes.append(
        f"Kennet LETS merged into {INTO} and closed: GET /api/v1/schemes/{SLUG}/wind-up/report"
        "?format=pdf (national body, organisers)"
    )
