"""Committee budgets over central accounts, members' claims against them with their
approvals, and disputes handled by the mediation group."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow
from lets_tenants.membership.models import Membership


class Budget(Model):
    """An amount of local units a central account may pay out in a period (WES 11(g))."""

    __tablename__ = "budgets"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("period_end >= period_start", name="period"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    purpose: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Claim(Model):
    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint("kind IN ('wage', 'meeting_attendance')", name="kind"),
        CheckConstraint("state IN ('submitted', 'approved', 'paid', 'rejected')", name="state"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"))
    kind: Mapped[str] = mapped_column(String(24), default="wage")
    amount: Mapped[int]
    description: Mapped[str] = mapped_column(String(1000))
    state: Mapped[str] = mapped_column(String(16), default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    transfer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    membership: Mapped[Membership] = relationship(lazy="joined")
    budget: Mapped[Budget] = relationship(lazy="joined")


class ClaimApproval(Model):
    """One committee member's approval of a claim; one each."""

    __tablename__ = "claim_approvals"
    __table_args__ = (UniqueConstraint("claim_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)


class Dispute(Model):
    """A dispute between members, or with the administration (``against_id`` null)."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'in_mediation', 'resolved', 'referred')", name="state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    against_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    description: Mapped[str] = mapped_column(String(2000))
    state: Mapped[str] = mapped_column(String(16), default="open")
    #: The mediation group's record of how it handled the dispute.
    handling: Mapped[str] = mapped_column(String(4000), default="")
    outcome: Mapped[str | None] = mapped_column(String(2000))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    raised_by: Mapped[Membership] = relationship(foreign_keys=[raised_by_id], lazy="joined")
    against: Mapped[Membership | None] = relationship(foreign_keys=[against_id], lazy="joined")
