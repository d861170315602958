"""Sending, accepting, declining and cancelling invoices; accepting pays through the ledger."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update

from lets_platform.db import db, utcnow
from lets_platform.errors import (
    AccountsMustBeDifferent,
    LetsError,
    PayeeNotFound,
    PayerNotFound,
    _error,
)
from lets_platform.identity.models import Person
from lets_platform.money import Money
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import require_movable
from lets_tenants.invoices.models import Invoice
from lets_tenants.ledger import operations as ledger

InvoiceNotFound = _error("invoice_not_found", 404, "No such invoice in this scheme.")
InvoiceNotOpen = _error("invoice_not_open", 409, "The invoice is no longer open.")

_PAYMENT_NAMESPACE = uuid.UUID("0b7e3c52-8a55-4d0e-b8f5-5f0e4f1e9a21")


def send_invoice(
    scheme: Scheme, *, sender: str, payer: str, amount: Any, memo: str, actor: Person | None
) -> Invoice:
    """Ask ``payer`` to pay ``sender``; checks the same input rules a payment would."""
    if sender == payer:
        raise AccountsMustBeDifferent("An account cannot invoice itself.")
    minor = scheme.currency.parse(amount).minor
    memo = ledger.check_memo(memo)
    accounts = {
        a.name: a
        for a in db.session.scalars(
            select(Account).where(Account.scheme_id == scheme.id, Account.name.in_([sender, payer]))
        )
    }
    if payer not in accounts:
        raise PayerNotFound(f"There is no account {payer!r} in {scheme.slug}.")
    if sender not in accounts:
        raise PayeeNotFound(f"There is no account {sender!r} in {scheme.slug}.")
    require_movable("invoice", accounts[payer], accounts[sender])
    for account in accounts.values():
        ledger._check_status(account, allow_suspended=False)
    invoice = Invoice(
        scheme_id=scheme.id,
        sender_id=accounts[sender].id,
        payer_id=accounts[payer].id,
        amount=minor,
        memo=memo,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(invoice)
    db.session.flush()
    return invoice


def get_invoice(scheme: Scheme, invoice_id: Any) -> Invoice:
    try:
        iid = uuid.UUID(str(invoice_id))
    except ValueError:
        raise InvoiceNotFound(f"There is no invoice {invoice_id!r}.") from None
    found = db.session.scalar(
        select(Invoice).where(Invoice.id == iid, Invoice.scheme_id == scheme.id)
    )
    if found is None:
        raise InvoiceNotFound(f"There is no invoice {invoice_id} in {scheme.slug}.")
    return found


def accept_invoice(scheme: Scheme, invoice_id: Any, *, actor: Person) -> Invoice:
    """The payer accepts: the payment is made (same limits as any payment) and the
    invoice is marked paid. Accepting a paid invoice again changes nothing."""
    invoice = get_invoice(scheme, invoice_id)
    if invoice.state == "paid":
        return invoice
    _claim(invoice, "paid", actor)
    try:
        result = ledger.transfer(
            scheme,
            payer=invoice.payer.name,
            payee=invoice.sender.name,
            amount=Money(invoice.amount, scheme.currency),
            memo=invoice.memo or "Invoice",
            kind="invoice",
            entered_by=actor,
            id=uuid.uuid5(_PAYMENT_NAMESPACE, str(invoice.id)),
        )
    except LetsError:
        db.session.execute(
            update(Invoice)
            .where(Invoice.seq == invoice.seq)
            .values(state="open", decided_at=None, decided_by_id=None)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(invoice)
        raise
    invoice.transfer_id = result.transfer.id
    db.session.flush()
    return invoice


def decline_invoice(scheme: Scheme, invoice_id: Any, *, actor: Person) -> Invoice:
    invoice = get_invoice(scheme, invoice_id)
    _claim(invoice, "declined", actor)
    return invoice


def cancel_invoice(scheme: Scheme, invoice_id: Any, *, actor: Person) -> Invoice:
    invoice = get_invoice(scheme, invoice_id)
    _claim(invoice, "cancelled", actor)
    return invoice


def _claim(invoice: Invoice, state: str, actor: Person) -> None:
    """Move an open invoice to ``state`` by one conditional UPDATE: two decisions never both win."""
    done = db.session.execute(
        update(Invoice)
        .where(Invoice.seq == invoice.seq, Invoice.state == "open")
        .values(state=state, decided_at=utcnow(), decided_by_id=actor.id)
        .returning(Invoice.seq)
        .execution_options(synchronize_session=False)
    ).first()
    db.session.refresh(invoice)
    if done is None:
        raise InvoiceNotOpen(f"Invoice {invoice.id} is {invoice.state}.")


def list_invoices(
    scheme: Scheme, *, account: Account | None = None, state: str | None = None
) -> list[Invoice]:
    query = select(Invoice).where(Invoice.scheme_id == scheme.id)
    if account is not None:
        query = query.where((Invoice.sender_id == account.id) | (Invoice.payer_id == account.id))
    if state:
        query = query.where(Invoice.state == state)
    return list(db.session.scalars(query.order_by(Invoice.seq.desc()).limit(500)))
