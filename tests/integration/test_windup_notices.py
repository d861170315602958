"""Notices of a wind-up: each member gets one mail, sent by a job only after the decision
commits, with the deadline and their own position; a redelivered message sends nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from dramatiq import Worker
from flask import Flask

from lets_federation.windup import tasks
from lets_federation.windup.models import WindUpNotice
from lets_federation.windup.operations import decide
from lets_platform import mail, testing
from lets_platform.db import db
from lets_platform.jobs import broker_of
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import provision_scheme
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.operations import add_member

DEADLINE = date.today() + timedelta(days=30)


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    """An app of its own, so that the jobs' actors are bound to its broker and to it."""
    with testing.keep_jobs_bound():
        app = testing.make_app(database_url, instance_path=str(tmp_path))
        with app.app_context():
            scope.allow_all()
            yield app
            testing.empty_tables()
            db.session.remove()
        testing.dispose(app)


@pytest.fixture
def avon(app) -> Scheme:
    """Avon in the south-west: alice -12.50, bob +12.50, olive 0."""
    scheme = provision_scheme(
        slug="avon",
        name="Avon",
        network="south-west",
        currency_code="AVN",
        currency_name="Avon units",
        default_min_balance="-100.00",
    )
    for handle in ("alice", "bob", "olive"):
        add_member(
            scheme,
            email=f"{handle}@avon.test",
            display_name=handle.title(),
            handle=handle,
            actor=None,
        )
    transfer(scheme, payer="alice", payee="bob", amount="12.50", entered_by=None)
    db.session.commit()
    return scheme


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


def _decide(scheme: Scheme) -> None:
    decide(scheme, votes_for=2, votes_against=1, deadline=DEADLINE, actor=None)


def test_every_member_gets_a_notice_of_the_deadline_and_their_own_position(app, avon):
    _decide(avon)
    db.session.commit()

    _run_jobs(app)

    sent = _by_recipient()
    assert set(sent) == {"alice@avon.test", "bob@avon.test", "olive@avon.test"}
    alice = sent["alice@avon.test"].get_content()
    assert f"{DEADLINE:%d %B %Y}" in str(sent["alice@avon.test"]["Subject"])
    assert "stands at -12.50 Avon units" in alice and "You are in debit" in alice
    assert "You are in credit" in sent["bob@avon.test"].get_content()
    assert "South West regional pool" in " ".join(alice.split())


def test_nothing_is_sent_when_the_decision_rolls_back(app, avon):
    _decide(avon)
    db.session.rollback()

    _run_jobs(app)

    assert mail.read_outbox() == []


def test_a_redelivered_notice_is_not_sent_twice(app, avon):
    _decide(avon)
    db.session.commit()
    _run_jobs(app)
    notice = db.session.query(WindUpNotice).first()

    tasks.send_wind_up_notice.send(notice.id)
    _run_jobs(app)

    assert len(mail.read_outbox()) == 3
    assert db.session.query(WindUpNotice).filter(WindUpNotice.sent_at.is_(None)).count() == 0
