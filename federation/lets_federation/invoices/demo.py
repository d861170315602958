"""Demo data: one open cross-scheme invoice, Bob (bright) asking Alice (wiltshire) in Links."""

from __future__ import annotations

from lets_federation.invoices.operations import resolve, send_invoice
from lets_platform.demo import DemoContext
from lets_platform.errors import PayeeNotFound, PayerNotFound


def seed(context: DemoContext) -> None:
    invoice, _ = send_invoice(
        payer=resolve("wiltshire/alice", PayerNotFound),
        payee=resolve("bright/bob", PayeeNotFound),
        amount="18.00",
        memo="Mending the trailer",
        actor=context.people.get("bob"),
    )
    context.notes.append(
        f"Cross-scheme invoice: bright/bob asks wiltshire/alice for 18.00 Links; as Alice, "
        f"GET /api/v1/federation/invoices/{invoice.id} shows it in WES units, POST .../accept"
    )
