"""The federation ledger in micro federation units: positions per scheme, flows per pair.

Positions sum to zero at every commit: clearing a trade moves ``fed_amount`` from the
payer's scheme to the payee's in one transaction. They change only by conditional UPDATEs
whose WHERE clause carries the limit, so no limit is breached by concurrent trades.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import Model, utcnow


class Position(Model):
    __tablename__ = "federation_positions"
    __table_args__ = (
        CheckConstraint("max_deficit IS NULL OR max_deficit >= 0", name="deficit"),
        CheckConstraint("max_surplus IS NULL OR max_surplus >= 0", name="surplus"),
    )

    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), primary_key=True)
    #: What the federation owes the scheme (micro units): positive when its members have
    #: sold more to other schemes than they bought; negative is a deficit.
    position: Mapped[int] = mapped_column(default=0)
    #: Exact rounding residue "num/den" in minor units of the scheme's currency (see units).
    residue: Mapped[str] = mapped_column(String(200), default="0/1")
    #: The deepest the position may go below zero (micro units), or null for no limit.
    max_deficit: Mapped[int | None]
    #: The highest the position may go (micro units), or null for no limit.
    max_surplus: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairFlow(Model):
    """Net flow between two schemes (``scheme_a_id < scheme_b_id``) and its optional limit."""

    __tablename__ = "federation_pair_limits"
    __table_args__ = (
        CheckConstraint("scheme_a_id < scheme_b_id", name="ordered"),
        CheckConstraint("max_net_flow IS NULL OR max_net_flow >= 0", name="limit"),
    )

    scheme_a_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), primary_key=True)
    scheme_b_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), primary_key=True)
    #: Micro units a's members paid b's, less what b's paid a's (cleared trades).
    net_flow: Mapped[int] = mapped_column(default=0)
    #: |net_flow| may not grow beyond this (micro units); null for no limit.
    max_net_flow: Mapped[int | None]
