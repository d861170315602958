"""The transfers table: posted rows are never edited or deleted; corrections are new rows."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, reference, utcnow
from lets_platform.identity.models import Person
from lets_tenants.accounts.models import Account

TRANSFER_STATES = ("pending", "posted", "voided")
TRANSFER_KINDS = ("payment", "invoice", "correction", "federation")
#: How a transfer reached the ledger: online by the payer, or entered from paper.
CHANNELS = ("online", "cheque", "voucher", "paper")


class Transfer(Model):
    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("payer_id <> payee_id", name="accounts_different"),
        CheckConstraint("state IN ('pending', 'posted', 'voided')", name="state"),
        CheckConstraint("kind IN ('payment', 'invoice', 'correction', 'federation')", name="kind"),
        CheckConstraint("channel IN ('online', 'cheque', 'voucher', 'paper')", name="channel"),
        ForeignKeyConstraint(["scheme_id", "payer_id"], ["accounts.scheme_id", "accounts.id"]),
        ForeignKeyConstraint(["scheme_id", "payee_id"], ["accounts.scheme_id", "accounts.id"]),
        Index("ix_transfers_payer", "scheme_id", "payer_id", "seq"),
        Index("ix_transfers_payee", "scheme_id", "payee_id", "seq"),
        Index("ix_transfers_scheme_seq", "scheme_id", "seq"),
    )

    #: Ledger order within the hub; statements and cursors follow it.
    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    #: Client-chosen or generated; the idempotency key of the transfer.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    #: No foreign key of its own to ``schemes``: the keys to the accounts (scheme_id, id)
    #: prove the scheme, and one would make every payment lock the scheme's row (see
    #: migration 0010).
    scheme_id: Mapped[int] = mapped_column(BigIntPK)
    payer_id: Mapped[int]
    payee_id: Mapped[int]
    #: Minor units of the scheme's currency.
    amount: Mapped[int]
    memo: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="payment")
    channel: Mapped[str] = mapped_column(String(16), default="online")
    #: Who entered it: the payer themselves, or an organiser acting for them.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    #: For a correction: the transfer it compensates.
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transfers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the transfer moved the balances (null while pending or if voided).
    posted_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(String(200))

    payer: Mapped[Account] = reference("Transfer.payer_id", "Account")
    payee: Mapped[Account] = reference("Transfer.payee_id", "Account")
    entered_by: Mapped[Person | None] = relationship(viewonly=True)
