"""The cross-scheme invoices table: a member of one scheme asks a member of another to pay."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import Model, reference, utcnow
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account

FEDERATED_INVOICE_STATES = ("open", "accepted", "declined", "cancelled")


class FederatedInvoice(Model):
    """An invoice across schemes, in the sender's (payee's) currency; accepting it makes a
    federation trade in which the payee receives exactly ``amount``."""

    __tablename__ = "federation_invoices"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("payer_scheme_id <> payee_scheme_id", name="schemes_different"),
        CheckConstraint("state IN ('open', 'accepted', 'declined', 'cancelled')", name="state"),
        CheckConstraint(
            "(state = 'accepted') = (trade_id IS NOT NULL)", name="trade_when_accepted"
        ),
        ForeignKeyConstraint(
            ["payer_scheme_id", "payer_account_id"], ["accounts.scheme_id", "accounts.id"]
        ),
        ForeignKeyConstraint(
            ["payee_scheme_id", "payee_account_id"], ["accounts.scheme_id", "accounts.id"]
        ),
        Index("ix_federation_invoices_payer", "payer_scheme_id", "payer_account_id"),
        Index("ix_federation_invoices_payee", "payee_scheme_id", "payee_account_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    #: Who is asked to pay, in another scheme.
    payer_scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    payer_account_id: Mapped[int]
    #: Who sent the invoice and is to be paid.
    payee_scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    payee_account_id: Mapped[int]
    #: Minor units of the payee's (the sender's) currency.
    amount: Mapped[int]
    memo: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(16), default="open")
    #: The federation trade made when the payer accepted.
    trade_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("federation_trades.id"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    payer_scheme: Mapped[Scheme] = relationship(foreign_keys=[payer_scheme_id], viewonly=True)
    payee_scheme: Mapped[Scheme] = relationship(foreign_keys=[payee_scheme_id], viewonly=True)
    payer: Mapped[Account] = reference("FederatedInvoice.payer_account_id", "Account")
    payee: Mapped[Account] = reference("FederatedInvoice.payee_account_id", "Account")
