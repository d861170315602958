"""Tables of a wind-up: the recorded decision and its state, members' choices, notices.

A scheme has at most one wind-up. Its ``state`` moves ``repayment`` -> ``migrating`` ->
``closed`` only through ``windup.operations`` (``start_migration``, ``finish``); the
balance migration keeps its own progress in tables keyed by the wind-up's id.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow
from lets_platform.tenancy.models import Scheme
from lets_tenants.membership.models import Membership

WIND_UP_STATES = ("repayment", "migrating", "closed")
#: How a choice reached the hub: by the member online, or from paper via an organiser.
CHOICE_CHANNELS = ("online", "paper")


class WindUp(Model):
    """The decision to wind a scheme up, and where the wind-up stands."""

    __tablename__ = "wind_ups"
    __table_args__ = (
        CheckConstraint("state IN ('repayment', 'migrating', 'closed')", name="state"),
        CheckConstraint(
            "votes_for >= 0 AND votes_against >= 0 AND votes_abstaining >= 0", name="votes"
        ),
        #: The scheme's own majority (WES 13(b): two thirds of the votes cast, abstentions
        #: not cast; Bright 12.2: two thirds of the whole membership).
        CheckConstraint(
            "votes_for > 0 AND ("
            "(majority = 'two_thirds_of_votes_cast'"
            " AND 3 * votes_for >= 2 * (votes_for + votes_against))"
            " OR (majority = 'two_thirds_of_membership' AND electorate IS NOT NULL"
            " AND 3 * votes_for >= 2 * electorate))",
            name="two_thirds",
        ),
        CheckConstraint("deadline >= meeting_date", name="deadline_after_meeting"),
        CheckConstraint(
            "significant_debit IS NULL OR significant_debit >= 0", name="significant_debit"
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="repayment")
    #: When the decision was recorded on the hub.
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The date of the general meeting (or ballot count) that decided it.
    meeting_date: Mapped[date]
    votes_for: Mapped[int]
    votes_against: Mapped[int]
    votes_abstaining: Mapped[int] = mapped_column(default=0)
    #: The majority rule the decision met, from the scheme's constitution.
    majority: Mapped[str] = mapped_column(String(40), default="two_thirds_of_votes_cast")
    #: Members with a vote when the ballot was counted (a majority of the membership).
    electorate: Mapped[int | None]
    #: The hub's own ballot that decided it (null: totals recorded by the national body).
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"))
    #: Debtors have until the end of this day (UTC) to repay; then balances migrate.
    deadline: Mapped[date]
    #: "Significant" debit or credit agreed at the meeting, minor units; null: not set.
    significant_debit: Mapped[int | None]
    #: The regional pool: the destination of members who make no choice.
    pool_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    migration_started_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    scheme: Mapped[Scheme] = relationship(foreign_keys=[scheme_id], lazy="joined")
    pool: Mapped[Scheme] = relationship(foreign_keys=[pool_id], lazy="joined")


class WindUpChoice(Model):
    """Where one member's balance goes: a scheme (where they are or will become a member)
    or the regional pool. Members without a row go to the pool under their own handle."""

    __tablename__ = "wind_up_choices"
    __table_args__ = (
        UniqueConstraint("wind_up_id", "membership_id"),
        CheckConstraint("channel IN ('online', 'paper')", name="channel"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    wind_up_id: Mapped[int] = mapped_column(ForeignKey("wind_ups.id"))
    #: The scheme being wound up (row-level security).
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    destination_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    #: The member's handle at the destination: their membership's there, or the one the
    #: migration will create.
    destination_handle: Mapped[str] = mapped_column(String(40))
    #: True when the member is not a member of the destination yet: migration creates it.
    creates_membership: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[str] = mapped_column(String(16), default="online")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)

    membership: Mapped[Membership] = relationship(lazy="joined")
    destination: Mapped[Scheme] = relationship(foreign_keys=[destination_id], lazy="joined")


class WindUpNotice(Model):
    """A notice of the wind-up to one member, put into the hub's mail queue with the
    decision (``sent_at``: when), which sends it after the decision commits."""

    __tablename__ = "wind_up_notices"
    __table_args__ = (UniqueConstraint("wind_up_id", "membership_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    wind_up_id: Mapped[int] = mapped_column(ForeignKey("wind_ups.id"))
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    email: Mapped[str] = mapped_column(String(254))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
