"""Stored clearing runs: the run's totals, one row per scheme and one per pair of schemes.

All amounts are integers of micro federation units (``FED_SCALE`` per unit).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import Model, utcnow


class ClearingRun(Model):
    """One clearing run over the cleared trades (all of them, or those decided since ``since``)."""

    __tablename__ = "federation_clearing_runs"
    __table_args__ = (
        CheckConstraint(
            "gross >= bilateral_net AND bilateral_net >= multilateral_net "
            "AND multilateral_net >= 0",
            name="netting_only_reduces",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    #: Only trades cleared at or after this moment were counted; null: all cleared trades.
    since: Mapped[datetime | None]
    trade_count: Mapped[int] = mapped_column(default=0)
    #: What would change hands with no netting: the sum of every flow between schemes.
    gross: Mapped[int] = mapped_column(default=0)
    #: What changes hands if each pair of schemes settles only its difference.
    bilateral_net: Mapped[int] = mapped_column(default=0)
    #: What changes hands if each scheme settles only its net position (cycles cancelled).
    multilateral_net: Mapped[int] = mapped_column(default=0)
    #: A scheme is flagged when its position has used this percentage of a limit.
    near_limit_percent: Mapped[int] = mapped_column(default=80)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))

    schemes: Mapped[list[ClearingRunScheme]] = relationship(
        order_by="ClearingRunScheme.scheme_id", cascade="all, delete-orphan"
    )
    pairs: Mapped[list[ClearingRunPair]] = relationship(
        order_by="(ClearingRunPair.scheme_a_id, ClearingRunPair.scheme_b_id)",
        cascade="all, delete-orphan",
    )


class ClearingRunScheme(Model):
    """A scheme's figures in one run."""

    __tablename__ = "federation_clearing_run_schemes"
    __table_args__ = (
        CheckConstraint("near_limit IN ('', 'deficit', 'surplus')", name="near_limit"),
    )

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("federation_clearing_runs.id", ondelete="CASCADE"), primary_key=True
    )
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), primary_key=True)
    #: What the scheme's members paid to other schemes' members in the run's trades.
    paid: Mapped[int] = mapped_column(default=0)
    #: What they received from other schemes' members.
    received: Mapped[int] = mapped_column(default=0)
    #: received - paid over the run's trades.
    net: Mapped[int] = mapped_column(default=0)
    #: The scheme's federation position when the run was made (all trades ever).
    position: Mapped[int] = mapped_column(default=0)
    max_deficit: Mapped[int | None]
    max_surplus: Mapped[int | None]
    #: "deficit" or "surplus" when the position is close to that limit, else "".
    near_limit: Mapped[str] = mapped_column(String(8), default="")


class ClearingRunPair(Model):
    """The flows between two schemes in one run; ``scheme_a_id < scheme_b_id``."""

    __tablename__ = "federation_clearing_run_pairs"
    __table_args__ = (CheckConstraint("scheme_a_id < scheme_b_id", name="ordered_pair"),)

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("federation_clearing_runs.id", ondelete="CASCADE"), primary_key=True
    )
    scheme_a_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), primary_key=True)
    scheme_b_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), primary_key=True)
    a_to_b: Mapped[int] = mapped_column(default=0)
    b_to_a: Mapped[int] = mapped_column(default=0)
    trades: Mapped[int] = mapped_column(default=0)
