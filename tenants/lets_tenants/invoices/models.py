"""The invoices table (payment requests)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, reference, utcnow
from lets_tenants.accounts.models import Account

INVOICE_STATES = ("open", "paid", "declined", "cancelled")


class Invoice(Model):
    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("sender_id <> payer_id", name="accounts_different"),
        CheckConstraint("state IN ('open', 'paid', 'declined', 'cancelled')", name="state"),
        ForeignKeyConstraint(["scheme_id", "sender_id"], ["accounts.scheme_id", "accounts.id"]),
        ForeignKeyConstraint(["scheme_id", "payer_id"], ["accounts.scheme_id", "accounts.id"]),
        Index("ix_invoices_sender", "scheme_id", "sender_id"),
        Index("ix_invoices_payer", "scheme_id", "payer_id"),
    )

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    #: Who asks to be paid (the payee of the resulting transfer).
    sender_id: Mapped[int]
    #: Who is asked to pay.
    payer_id: Mapped[int]
    amount: Mapped[int]
    memo: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(16), default="open")
    #: The payment made when the invoice was accepted.
    transfer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transfers.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    sender: Mapped[Account] = reference("Invoice.sender_id", "Account")
    payer: Mapped[Account] = reference("Invoice.payer_id", "Account")
