"""Fixtures of the directory and community tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from dramatiq import Worker
from flask import Flask

from lets_platform.db import db
from lets_platform.jobs import broker_of


@pytest.fixture
def run_jobs(ctx: Flask) -> Callable[..., None]:
    """Run the queued jobs of the given actors to the end with a worker of the app's broker."""

    def run(*actors) -> None:
        broker = broker_of(ctx)
        db.session.rollback()  # hold no transaction (SQLite: no lock) while workers write
        worker = Worker(broker, worker_timeout=100)
        worker.start()
        try:
            for declared in actors:
                broker.join(declared.queue_name, timeout=60_000)
            worker.join()
        finally:
            worker.stop()

    return run


@pytest.fixture(autouse=True)
def fresh_outbox_and_queues(ctx: Flask, tmp_path, monkeypatch) -> Iterator[None]:
    """Each test reads only its own mail and runs only its own jobs."""
    monkeypatch.setitem(ctx.config, "LETS_MAIL_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setitem(ctx.config, "LETS_STORAGE_PATH", str(tmp_path / "uploads"))
    broker_of(ctx).flush_all()
    yield
    broker_of(ctx).flush_all()
