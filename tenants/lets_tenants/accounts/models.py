"""The accounts table. Balances are cached here and kept by the ledger's conditional UPDATEs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow
from lets_platform.money import MAX_MINOR_UNITS
from lets_tenants.membership.models import Membership

ACCOUNT_KINDS = ("member", "central", "federation")
ACCOUNT_STATUSES = ("active", "suspended", "closed")


class Account(Model):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("scheme_id", "name"),
        #: Target of the transfers' composite foreign keys: a transfer cannot name an
        #: account of another scheme, even by a wrong id.
        UniqueConstraint("scheme_id", "id"),
        CheckConstraint("kind IN ('member', 'central', 'federation')", name="kind"),
        CheckConstraint("status IN ('active', 'suspended', 'closed')", name="status"),
        CheckConstraint(f"min_balance <= 0 AND min_balance >= -{MAX_MINOR_UNITS}", name="floor"),
        CheckConstraint(
            f"max_balance IS NULL OR (max_balance >= 0 AND max_balance <= {MAX_MINOR_UNITS})",
            name="ceiling",
        ),
        CheckConstraint("held >= 0", name="held"),
        CheckConstraint("balance - held >= min_balance", name="within_floor"),
        CheckConstraint(
            f"balance <= COALESCE(max_balance, {MAX_MINOR_UNITS})", name="within_ceiling"
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    #: The member's handle, or the central account's short name ("admin", "events-budget").
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    #: What people see: the member's display name, or "Administration fund".
    title: Mapped[str] = mapped_column(String(120))
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"), unique=True)
    #: Posted balance, minor units.
    balance: Mapped[int] = mapped_column(default=0)
    #: Sum of this account's pending outgoing transfers; counts against the floor.
    held: Mapped[int] = mapped_column(default=0)
    #: The credit limit (a floor, <= 0): balance - held never goes below it.
    min_balance: Mapped[int] = mapped_column(default=0)
    #: The upper limit, or null for none (the hard cap MAX_MINOR_UNITS still applies).
    max_balance: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    membership: Mapped[Membership | None] = relationship(lazy="select")

    @property
    def available(self) -> int:
        """What the account may still pay: balance - held - min_balance."""
        return self.balance - self.held - self.min_balance
