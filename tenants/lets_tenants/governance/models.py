"""Meetings (committee, AGM, EGM) with agenda and attendance; motions and ballots with
their votes; members' requests for an EGM with their signatures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow
from lets_tenants.membership.models import Membership


class Meeting(Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("kind IN ('committee', 'agm', 'egm')", name="kind"),
        CheckConstraint("state IN ('scheduled', 'held', 'cancelled')", name="state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(200), default="")
    #: When members were given notice (scheduling gives it).
    notice_given_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="scheduled")
    #: Set when the meeting is recorded as held: whether it met its quorum.
    quorate: Mapped[bool | None]
    #: The meeting this one reconvenes after it was inquorate (WES 10(h), Bright 9.4).
    reconvenes_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_published_at: Mapped[datetime | None]
    #: When the secretary was reminded that the minutes are nearly due.
    minutes_reminded_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))


class AgendaItem(Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(String(2000), default="")
    #: The member who submitted it (null: the committee's own item).
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submitted_by: Mapped[Membership | None] = relationship(lazy="joined")


class Attendance(Model):
    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "membership_id"),
        CheckConstraint("presence IN ('present', 'apologies', 'absent')", name="presence"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    #: ``apologies``: absent with good reason or notice (WES 6(e), Bright 7.6).
    presence: Mapped[str] = mapped_column(String(16))
    #: Whether they attended as a serving committee member (counted for the quorum).
    committee: Mapped[bool] = mapped_column(default=False)

    membership: Mapped[Membership] = relationship(lazy="joined")


class Ballot(Model):
    """A motion put to a meeting, or a postal/online ballot of the whole membership."""

    __tablename__ = "ballots"
    __table_args__ = (
        CheckConstraint("form IN ('motion', 'ballot')", name="form"),
        CheckConstraint(
            "purpose IN ('general', 'constitution_change', 'wind_up', 'election')",
            name="purpose",
        ),
        CheckConstraint("state IN ('open', 'closed')", name="state"),
        CheckConstraint("form = 'ballot' OR meeting_id IS NOT NULL", name="motion_at_meeting"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    form: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(24), default="general")
    question: Mapped[str] = mapped_column(String(500))
    #: The majority rule it is decided by (``constitution.rules.MAJORITIES``), fixed when
    #: it opens from the constitution then in force.
    majority: Mapped[str] = mapped_column(String(40))
    #: The clause the majority comes from.
    clause: Mapped[str | None] = mapped_column(String(20))
    #: For a constitution change: {parameter: new value}, and optionally "text".
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The consultation the constitution names, once recorded (WES 12(a), Bright 11.1).
    consultation: Mapped[str | None] = mapped_column(String(1000))
    consulted_at: Mapped[datetime | None]
    #: For a wind-up ballot: the repayment deadline that will apply if it carries.
    wind_up_deadline: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    votes_for: Mapped[int | None]
    votes_against: Mapped[int | None]
    votes_abstaining: Mapped[int | None]
    #: Members with a vote when it closed (for a majority of the membership).
    electorate: Mapped[int | None]
    passed: Mapped[bool | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))


class Vote(Model):
    """One member's vote; never updated. One per member and ballot, by a unique key."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("ballot_id", "membership_id"),
        CheckConstraint("choice IN ('for', 'against', 'abstain')", name="choice"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    #: Whose vote it is: an individual member, or an organisational member.
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    choice: Mapped[str] = mapped_column(String(8))
    #: Who cast it: the member, or the organisation's representative.
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)


class EgmRequest(Model):
    __tablename__ = "egm_requests"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'reached', 'called', 'lapsed')", name="state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(1000))
    state: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Signatures count only until then (the constitution's days from the first one).
    window_ends_at: Mapped[datetime]
    #: Fixed from the constitution when the request opened.
    members_needed: Mapped[int]
    clause: Mapped[str | None] = mapped_column(String(20))
    reached_at: Mapped[datetime | None]
    #: The committee must call the EGM by then.
    call_by: Mapped[datetime | None]
    #: The EGM the committee called for it.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))


class EgmSignature(Model):
    __tablename__ = "egm_signatures"
    __table_args__ = (UniqueConstraint("request_id", "membership_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    request_id: Mapped[int] = mapped_column(ForeignKey("egm_requests.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    membership: Mapped[Membership] = relationship(lazy="joined")
