"""Balance migration runs and their items: the job's progress and the closure report.

A run moves every balance of one scheme (a wind-up or a merge) to its destinations; it
has one item per account with a balance to move, created when the run starts. An item is
``pending`` until the one transaction that moves its balance marks it ``done``; its trade
and transfer ids are derived from the run and the account, so a re-run finds them. The
done items, kept with the closed scheme, are its closure report.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import BigIntPK, Model, utcnow

RUN_KINDS = ("wind_up", "merge", "provision")
RUN_STATES = ("running", "finished")
ITEM_STATES = ("pending", "done")


class MigrationRun(Model):
    __tablename__ = "migration_runs"
    __table_args__ = (
        CheckConstraint("kind IN ('wind_up', 'merge', 'provision')", name="kind"),
        CheckConstraint("state IN ('running', 'finished')", name="state"),
        CheckConstraint("done >= 0 AND done <= total", name="progress"),
        Index("ix_migration_runs_scheme", "scheme_id", "started_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    #: The scheme whose balances move out (it closes, unless the run provisions from a pool).
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="running")
    #: Where central accounts' balances go (the regional pool, or the scheme merged into).
    central_scheme_id: Mapped[int | None] = mapped_column(ForeignKey("schemes.id"))
    #: The wind-up this run carries out (``wind_ups.id``; none for a merge or a provision).
    wind_up_id: Mapped[int | None]
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: Why the national body started a wind-up's run before the repayment period ended
    #: (``force``); none for a run started on time.
    forced_reason: Mapped[str | None] = mapped_column(String(500))


class MigrationItem(Model):
    """One account's balance moved to its destination: a line of the closure report."""

    __tablename__ = "migration_items"
    __table_args__ = (
        UniqueConstraint("run_id", "account_id"),
        CheckConstraint("state IN ('pending', 'done')", name="state"),
        Index("ix_migration_items_pending", "run_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("migration_runs.id"))
    #: The scheme the balance leaves (the run's).
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    #: The account's name in the scheme that closes (a handle or a central account's name).
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    #: Minor units of the closing scheme's currency, signed (negative: a debit).
    balance_before: Mapped[int]
    dest_scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    #: The account's name at the destination (a handle, or a central account's name).
    dest_name: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    #: Minor units of the destination's currency credited (+) or debited (-) there.
    amount_moved: Mapped[int | None]
    #: Micro federation units moved to the destination's position (signed like the balance).
    fed_amount: Mapped[int | None]
    #: Exact rounding residues "num/den" of the two legs, in minor units of each currency.
    residue_out: Mapped[str | None] = mapped_column(String(200))
    residue_in: Mapped[str | None] = mapped_column(String(200))
    #: The federation trade that moved it (none for a zero balance).
    trade_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("federation_trades.id"))
    done_at: Mapped[datetime | None]
