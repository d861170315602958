"""Joining and membership standing: applications endorsing a constitution version, each
member's standing (kind, representative, renewal), fees, terminations and appeals."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow
from lets_tenants.membership.models import Membership


class Application(Model):
    """An application to join; it records the constitution version the applicant endorsed
    (WES 3(b)(i), Bright 3.2(b)) and the membership secretary's decision."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'approved', 'rejected')", name="state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    handle: Mapped[str] = mapped_column(String(40))
    display_name: Mapped[str] = mapped_column(String(120))
    #: An organisation's name when the applicant applies as its representative.
    organisation: Mapped[str | None] = mapped_column(String(160))
    constitution_version_id: Mapped[int] = mapped_column(ForeignKey("constitution_versions.id"))
    endorsed_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(String(500), default="")
    membership_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))


class Standing(Model):
    """A member's standing under the constitution: one row per membership."""

    __tablename__ = "member_standings"
    __table_args__ = (
        CheckConstraint("kind IN ('individual', 'organisation')", name="kind"),
        CheckConstraint("state IN ('active', 'lapsed', 'terminated')", name="state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="individual")
    organisation: Mapped[str | None] = mapped_column(String(160))
    #: Who votes and acts for an organisational member (WES 10(b), Bright 9.5).
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    constitution_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("constitution_versions.id")
    )
    state: Mapped[str] = mapped_column(String(16), default="active")
    #: The membership is renewed up to this day (null: no fee period yet).
    paid_until: Mapped[date | None]
    #: When the last renewal reminder went out (for this period).
    reminded_at: Mapped[datetime | None]

    membership: Mapped[Membership] = relationship(lazy="joined")


class Fee(Model):
    """A membership fee for one period: local units are a transfer to the fee account;
    sterling is recorded as due, then paid."""

    __tablename__ = "fees"
    __table_args__ = (
        CheckConstraint("currency IN ('local', 'sterling')", name="currency"),
        CheckConstraint("state IN ('due', 'paid')", name="state"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    currency: Mapped[str] = mapped_column(String(8))
    #: Minor units: of the scheme's currency (local) or pence (sterling).
    amount: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    state: Mapped[str] = mapped_column(String(8), default="due")
    transfer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    paid_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    membership: Mapped[Membership] = relationship(lazy="joined")


class Termination(Model):
    """The committee's termination of a membership for a serious breach, and the appeal
    to the mediation group with its recorded decision."""

    __tablename__ = "terminations"
    __table_args__ = (
        CheckConstraint(
            "appeal_outcome IS NULL OR appeal_outcome IN ('upheld', 'overturned')",
            name="appeal_outcome",
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    reason: Mapped[str] = mapped_column(String(2000))
    clause: Mapped[str | None] = mapped_column(String(20))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    appeal: Mapped[str | None] = mapped_column(String(2000))
    appealed_at: Mapped[datetime | None]
    #: ``upheld``: the termination stands; ``overturned``: the membership is restored.
    appeal_outcome: Mapped[str | None] = mapped_column(String(16))
    appeal_note: Mapped[str | None] = mapped_column(String(2000))
    appeal_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    appeal_decided_at: Mapped[datetime | None]

    membership: Mapped[Membership] = relationship(lazy="joined")
