"""The ``federation_trades`` table: one row per inter-scheme trade, with the rates it used.

A trade's two legs are ordinary transfers of kind ``federation``: the hold (payer ->
the payer scheme's federation account, pending until cleared) and the payee leg (the
payee scheme's federation account -> payee, posted when cleared).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from fractions import Fraction

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, reference, utcnow
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account

TRADE_STATES = ("pending", "cleared", "rejected", "expired")
CURRENCIES = ("payer", "payee")
_LEG_NAMESPACE = uuid.UUID("0b6f3c52-8a43-4d55-9d3e-5f2f6c1f7a21")


def hold_id(trade_id: uuid.UUID) -> uuid.UUID:
    """The id of a trade's payer leg (the hold), derived so that a replay finds it."""
    return uuid.uuid5(_LEG_NAMESPACE, f"{trade_id}:hold")


def payee_leg_id(trade_id: uuid.UUID) -> uuid.UUID:
    """The id of a trade's payee leg, derived from the trade's."""
    return uuid.uuid5(_LEG_NAMESPACE, f"{trade_id}:payee")


class Trade(Model):
    __tablename__ = "federation_trades"
    __table_args__ = (
        CheckConstraint("payer_amount > 0 AND payee_amount > 0 AND fed_amount > 0", name="amounts"),
        CheckConstraint("payer_scheme_id <> payee_scheme_id", name="schemes_different"),
        CheckConstraint("currency IN ('payer', 'payee')", name="currency"),
        CheckConstraint("state IN ('pending', 'cleared', 'rejected', 'expired')", name="state"),
        CheckConstraint(
            "payer_rate_num > 0 AND payer_rate_den > 0 AND payee_rate_num > 0 "
            "AND payee_rate_den > 0",
            name="rates_positive",
        ),
        ForeignKeyConstraint(
            ["payer_scheme_id", "payer_account_id"], ["accounts.scheme_id", "accounts.id"]
        ),
        ForeignKeyConstraint(
            ["payee_scheme_id", "payee_account_id"], ["accounts.scheme_id", "accounts.id"]
        ),
        Index("ix_federation_trades_clearing", "state", "payer_scheme_id", "payee_scheme_id"),
        Index("ix_federation_trades_expiry", "state", "expires_at"),
        Index("ix_federation_trades_payer", "payer_scheme_id", "payer_account_id", "created_at"),
        Index("ix_federation_trades_payee", "payee_scheme_id", "payee_account_id", "created_at"),
    )

    #: Client-chosen or generated; the idempotency key of the trade.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    #: The schemes are proven by the keys to the accounts (scheme_id, id), not by keys of
    #: their own, which would make every trade lock both schemes' rows (migration 0010).
    payer_scheme_id: Mapped[int] = mapped_column(BigIntPK)
    payer_account_id: Mapped[int]
    payee_scheme_id: Mapped[int] = mapped_column(BigIntPK)
    payee_account_id: Mapped[int]
    #: Which side's currency the client named the amount in; that side is exact.
    currency: Mapped[str] = mapped_column(String(8))
    #: Minor units of the payer's currency.
    payer_amount: Mapped[int]
    #: Minor units of the payee's currency.
    payee_amount: Mapped[int]
    #: Micro federation units.
    fed_amount: Mapped[int]
    #: The rates used (units per federation unit), exact.
    payer_rate_num: Mapped[int]
    payer_rate_den: Mapped[int]
    payee_rate_num: Mapped[int]
    payee_rate_den: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default="pending")
    #: Why it was rejected or expired: a named error code.
    reason: Mapped[str | None] = mapped_column(String(60))
    reason_detail: Mapped[str | None] = mapped_column(String(300))
    memo: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Not cleared by then: the sweep expires it and releases the hold.
    expires_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    #: The payer's leg (pending while the trade is; posted when cleared; voided otherwise).
    hold_transfer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transfers.id"))
    #: The payee's leg, posted when the trade cleared.
    payee_leg_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transfers.id"))

    payer_scheme: Mapped[Scheme] = reference("Trade.payer_scheme_id", "Scheme")
    payee_scheme: Mapped[Scheme] = reference("Trade.payee_scheme_id", "Scheme")
    payer_account: Mapped[Account] = reference("Trade.payer_account_id", "Account")
    payee_account: Mapped[Account] = reference("Trade.payee_account_id", "Account")

    @property
    def payer_rate(self) -> Fraction:
        return Fraction(self.payer_rate_num, self.payer_rate_den)

    @property
    def payee_rate(self) -> Fraction:
        return Fraction(self.payee_rate_num, self.payee_rate_den)

    @property
    def payer(self) -> str:
        """The payer's address, ``scheme/handle``."""
        return f"{self.payer_scheme.slug}/{self.payer_account.name}"

    @property
    def payee(self) -> str:
        return f"{self.payee_scheme.slug}/{self.payee_account.name}"
