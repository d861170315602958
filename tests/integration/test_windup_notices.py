"""Notices of a wind-up: each member gets one mail, sent by a job only after the decision
commits, with the deadline and their own position; a redelivered message sends nothing."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from dramatiq import Worker

from lets_federation.windup import tasks
from lets_federation.windup.models import WindUpNotice
from lets_federation.windup.operations import decide
from lets_platform import mail
from lets_platform.db import db
from lets_platform.jobs import broker_of
from lets_tenants.ledger.operations import transfer

DEADLINE = date.today() + timedelta(days=30)


@pytest.fixture
def outbox(ctx):
    shutil.rmtree(mail.outbox_path(), ignore_errors=True)
    broker_of(ctx).flush_all()  # messages other tests left on the in-process broker
    return ctx


@pytest.fixture
def avon(outbox, scheme_with_members):
    world = scheme_with_members("avon", network="south-west")
    transfer(world.scheme, payer="alice", payee="bob", amount="12.50", entered_by=None)
    db.session.commit()
    return world


def _run_jobs(app) -> None:
    broker = broker_of(app)
    db.session.rollback()  # hold no transaction (SQLite: no lock) while workers write
    worker = Worker(broker, worker_timeout=100)
    worker.start()
    try:
        broker.join(tasks.send_wind_up_notice.queue_name, timeout=60_000)
        worker.join()
    finally:
        worker.stop()


def _by_recipient() -> dict[str, object]:
    return {str(m["To"]): m for m in mail.read_outbox()}


def _decide(world) -> None:
    decide(world.scheme, votes_for=2, votes_against=1, deadline=DEADLINE, actor=None)


def test_every_member_gets_a_notice_of_the_deadline_and_their_own_position(ctx, avon):
    _decide(avon)
    db.session.commit()

    _run_jobs(ctx)

    sent = _by_recipient()
    assert set(sent) == {"alice@avon.test", "bob@avon.test", "olive@avon.test"}
    alice = sent["alice@avon.test"].get_content()
    assert f"{DEADLINE:%d %B %Y}" in str(sent["alice@avon.test"]["Subject"])
    assert "stands at -12.50 Avon units" in alice and "You are in debit" in alice
    assert "You are in credit" in sent["bob@avon.test"].get_content()
    assert "South West regional pool" in " ".join(alice.split())


def test_nothing_is_sent_when_the_decision_rolls_back(ctx, avon):
    _decide(avon)
    db.session.rollback()

    _run_jobs(ctx)

    assert mail.read_outbox() == []


def test_a_redelivered_notice_is_not_sent_twice(ctx, avon):
    _decide(avon)
    db.session.commit()
    _run_jobs(ctx)
    notice = db.session.query(WindUpNotice).first()

    tasks.send_wind_up_notice.send(notice.id)
    _run_jobs(ctx)

    assert len(mail.read_outbox()) == 3
    assert db.session.query(WindUpNotice).filter(WindUpNotice.sent_at.is_(None)).count() == 0
