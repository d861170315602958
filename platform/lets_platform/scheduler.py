"""``lets scheduler``: sends each periodic job (``jobs.every``) once per period, hub-wide.

Time is cut into periods aligned to the epoch (the sweep's minute, the clearing run's
hour); a job's period ``n`` is claimed in the database by one conditional UPDATE of its
row in ``scheduled_jobs`` (``WHERE slot < n``), so of any number of schedulers (a second
one started by mistake, one on each host) exactly one sends each job each period, and
a scheduler restarted within a period does not send it again. The row also shows
operators when each job was last sent. Without Redis, ``lets serve`` runs one in-process.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import String, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from lets_platform.db import Model, db
from lets_platform.jobs import Periodic, periodic

log = logging.getLogger(__name__)


class ScheduledJob(Model):
    """The last period of a periodic job that a scheduler claimed (and sent it for)."""

    __tablename__ = "scheduled_jobs"

    #: The job's actor name.
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    #: The period claimed: seconds since the epoch // the job's period.
    slot: Mapped[int]
    sent_at: Mapped[datetime]


def claim(name: str, slot: int, at: datetime) -> bool:
    """Claim period ``slot`` of job ``name``; true for exactly one caller per period, in
    whatever order and concurrency they come (flush only: the caller commits)."""
    claimed = db.session.execute(
        update(ScheduledJob)
        .where(ScheduledJob.name == name, ScheduledJob.slot < slot)
        .values(slot=slot, sent_at=at)
    )
    if claimed.rowcount:  # type: ignore[attr-defined]
        return True
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    first = db.session.execute(
        insert(ScheduledJob)
        .values(name=name, slot=slot, sent_at=at)
        .on_conflict_do_nothing()
        .returning(ScheduledJob.name)
    )
    return first.first() is not None


class Scheduler:
    """Sends each job whose period has come and that no other scheduler sent in it; the
    clock is passed in, so it is testable."""

    def __init__(self, jobs: dict[str, Periodic] | None = None) -> None:
        self.jobs = periodic() if jobs is None else jobs
        self.seen: dict[str, int] = {}  # the last period looked at, per job

    def tick(self, now: float) -> list[str]:
        """Send every job whose period at ``now`` (epoch seconds) this scheduler claims;
        returns their actor names. Call inside an app context."""
        sent = []
        for name, job in self.jobs.items():
            slot = int(now // job.seconds)
            if self.seen.get(name, -1) >= slot:
                continue
            try:
                if claim(name, slot, datetime.fromtimestamp(now, UTC)):
                    job.declared.send(*job.args)
                    sent.append(name)
                db.session.commit()
                self.seen[name] = slot
            except Exception:  # the database or the broker is down: try again next tick
                db.session.rollback()
                log.exception("scheduler: could not send %s", name)
        return sent


def run_scheduler(app: Flask, stop: threading.Event, resolution: float = 1.0) -> None:
    """Send periodic jobs until ``stop`` is set (``lets scheduler``)."""
    scheduler = Scheduler()
    while not stop.is_set():
        with app.app_context():
            for name in scheduler.tick(time.time()):
                log.info("scheduler: sent %s", name)
            db.session.remove()
        stop.wait(resolution)


def start_in_process_scheduler(app: Flask) -> threading.Event:
    """Run the scheduler in a thread of this process (the embedded default); set the
    returned event to stop it."""
    stop = threading.Event()
    threading.Thread(
        target=run_scheduler, args=(app, stop), daemon=True, name="lets-scheduler"
    ).start()
    return stop
