"""The migration job's messages: the first batch leaves when the start commits, each batch
sends the next after it commits, and the last sends nothing; the sweep resumes a run."""

from __future__ import annotations

import pytest

from lets_federation.migration import starts, tasks
from lets_federation.migration.testing import run_of
from lets_platform import jobs
from lets_platform.db import db
from lets_tenants.ledger.operations import transfer


@pytest.fixture
def sent(ctx, monkeypatch):
    """Record the migration's messages instead of sending them; the actors run in this
    test's app (another test's CLI may have bound them to its own, since dropped)."""
    monkeypatch.setattr(jobs, "_app", ctx)
    messages: list[tuple] = []
    monkeypatch.setattr(tasks.migrate_batch, "send", lambda *args: messages.append(args))
    return messages


@pytest.fixture
def wes(ctx, create_scheme, create_member, monkeypatch):
    scheme = create_scheme("wiltshire", rate="10")
    create_scheme("bright", rate="12")
    for handle in ("alice", "bob", "carol"):
        create_member(scheme, handle)
    transfer(scheme, payer="alice", payee="bob", amount="2.00", entered_by=None)
    db.session.commit()
    monkeypatch.setitem(ctx.config, "LETS_MIGRATION_BATCH_SIZE", 2)
    return scheme


def test_the_first_batch_leaves_only_when_the_start_commits(wes, sent):
    run = starts.start_merge("wiltshire", into="bright", actor=None)
    assert sent == []
    db.session.commit()
    assert sent == [(str(run.id), 2)]


def test_each_batch_sends_the_next_and_the_last_sends_nothing(wes, sent):
    run_id = str(starts.start_merge("wiltshire", into="bright", actor=None).id)
    db.session.commit()
    tasks.migrate_batch.fn(run_id, 2)  # 2 of 3 moved: the next batch is sent
    assert sent[1:] == [(run_id, 2)]
    tasks.migrate_batch.fn(run_id, 2)  # the last
    assert sent[1:] == [(run_id, 2)]
    assert run_of(wes).state == "finished"


def test_the_sweep_resumes_a_run_still_running(wes, sent):
    run_id = str(starts.start_merge("wiltshire", into="bright", actor=None).id)
    db.session.commit()
    tasks.resume_migrations.fn()
    assert sent == [(run_id, 2), (run_id, 2)]
