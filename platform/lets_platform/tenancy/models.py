"""Tables for regional networks and schemes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lets_platform.db import BigIntPK, Model, utcnow
from lets_platform.money import Currency

SCHEME_STATUSES = ("active", "winding_up", "closed")
SCHEME_KINDS = ("scheme", "pool")


class Network(Model):
    """A regional network of schemes (and, later, its regional pool)."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Scheme(Model):
    """A tenant: one LETS with its own currency, members and ledger."""

    __tablename__ = "schemes"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'winding_up', 'closed')", name="status"),
        CheckConstraint("kind IN ('scheme', 'pool')", name="kind"),
        CheckConstraint("currency_decimals BETWEEN 0 AND 4", name="decimals"),
        CheckConstraint("rate_num > 0 AND rate_den > 0", name="rate_positive"),
        CheckConstraint("default_min_balance <= 0", name="default_floor"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    kind: Mapped[str] = mapped_column(String(16), default="scheme")
    #: ISO-4217-like code of the local unit, e.g. "WES" or "LNK".
    currency_code: Mapped[str] = mapped_column(String(12))
    #: What members call the unit, e.g. "WES units" or "Links".
    currency_name: Mapped[str] = mapped_column(String(40))
    currency_decimals: Mapped[int] = mapped_column(default=2)
    #: Units of this currency per federation unit, as an exact fraction rate_num/rate_den.
    rate_num: Mapped[int] = mapped_column(default=1)
    rate_den: Mapped[int] = mapped_column(default=1)
    #: Credit limit (floor, <= 0) given to new member accounts, in minor units.
    default_min_balance: Mapped[int] = mapped_column(default=0)
    #: Upper limit given to new member accounts, in minor units; null means none.
    default_max_balance: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    network: Mapped[Network | None] = relationship(lazy="joined")

    @property
    def currency(self) -> Currency:
        return Currency(self.currency_code, self.currency_name, self.currency_decimals)

    @property
    def is_trading(self) -> bool:
        return self.status in ("active", "winding_up")
