"""The mail queue: every mail is a row written in the transaction that decides to send it;
it leaves after the commit, once, and whatever is left unsent (a worker that never ran, a
mail server that was down) is sent by the periodic job, with back-off and a limit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from dramatiq import Worker
from flask import Flask
from sqlalchemy import func, select

from lets_platform import clock, mail, testing
from lets_platform.db import db
from lets_platform.jobs import broker_of
from lets_platform.mailqueue import tasks
from lets_platform.mailqueue.models import QueuedMail
from lets_platform.mailqueue.operations import deliver, due, enqueue, retry_after
from lets_platform.tenancy import scope


@pytest.fixture
def app(database_url, tmp_path) -> Iterator[Flask]:
    """An app of its own (its jobs bound to its broker, its outbox under ``tmp_path``),
    on a clock that stands still until the test moves it."""
    with testing.keep_jobs_bound():
        app = testing.make_app(database_url, instance_path=str(tmp_path))
        with app.app_context():
            scope.allow_all()
            clock.install(app, clock.FakeClock(datetime(2026, 12, 5, 9, 0, tzinfo=UTC)))
            yield app
            testing.empty_tables()
            db.session.remove()
        testing.dispose(app)


def _run_jobs(app: Flask) -> None:
    broker = broker_of(app)
    db.session.rollback()  # hold no transaction (SQLite: no lock) while the worker writes
    worker = Worker(broker, worker_timeout=100)
    worker.start()
    try:
        broker.join(tasks.send_mail.queue_name, timeout=60_000)
        worker.join()
    finally:
        worker.stop()


def _row(mail_id: int) -> QueuedMail:
    db.session.expire_all()
    return db.session.get_one(QueuedMail, mail_id)


def _advance(app: Flask, by: timedelta) -> datetime:
    return app.extensions[clock.EXTENSION].advance(seconds=by.total_seconds())


def _break_the_mail_server(app: Flask) -> None:
    app.config["LETS_MAIL_SENDER"], app.config["LETS_SMTP_URL"] = "smtp", None


def _mend_the_mail_server(app: Flask) -> None:
    app.config["LETS_MAIL_SENDER"] = "outbox"


def test_a_queued_mail_leaves_after_the_commit_and_is_stamped_sent(app):
    queued = enqueue("pat@example.org", "Winding up", "Dear Pat,\n")
    db.session.commit()

    _run_jobs(app)

    [sent] = mail.read_outbox()
    assert (str(sent["To"]), str(sent["Subject"])) == ("pat@example.org", "Winding up")
    assert str(sent["Message-ID"]) == queued.message_id
    row = _row(queued.id)
    assert (row.attempts, row.sent_at, row.last_error) == (1, clock.now(), None)


def test_nothing_is_queued_or_sent_when_the_transaction_rolls_back(app):
    enqueue("pat@example.org", "Winding up", "Dear Pat,\n")
    db.session.rollback()

    _run_jobs(app)

    assert mail.read_outbox() == []
    assert db.session.scalar(select(func.count()).select_from(QueuedMail)) == 0


def test_a_mail_is_sent_once_however_often_its_job_runs(app):
    queued = enqueue("pat@example.org", "Winding up", "Dear Pat,\n")
    db.session.commit()
    _run_jobs(app)

    tasks.send_mail.send(queued.id)
    tasks.send_unsent_mail.send()
    _run_jobs(app)

    assert len(mail.read_outbox()) == 1
    assert _row(queued.id).attempts == 1


def test_a_failed_send_is_recorded_and_retried_after_a_growing_back_off(app):
    _break_the_mail_server(app)
    queued = enqueue("pat@example.org", "Winding up", "Dear Pat,\n")
    db.session.commit()
    _run_jobs(app)

    failed = _row(queued.id)
    assert (failed.attempts, failed.sent_at) == (1, None)
    assert failed.last_error.startswith("MailNotConfigured")
    assert due(clock.now()) == []
    assert due(_advance(app, retry_after(1))) == [queued.id]

    assert deliver(queued.id) is False  # the second failure: the wait doubles
    db.session.commit()
    assert retry_after(2) == 2 * retry_after(1)
    assert due(_advance(app, retry_after(2) - timedelta(seconds=1))) == []

    _mend_the_mail_server(app)
    _advance(app, timedelta(seconds=1))
    tasks.send_unsent_mail.send()
    _run_jobs(app)

    sent = _row(queued.id)
    assert (sent.attempts, sent.sent_at, sent.last_error) == (3, clock.now(), None)
    assert len(mail.read_outbox()) == 1


def test_the_back_off_stops_growing_at_an_hour(app):
    assert [retry_after(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_after(7) == retry_after(30) == timedelta(hours=1)


def test_a_mail_is_given_up_after_the_configured_attempts(app):
    app.config["LETS_MAIL_MAX_ATTEMPTS"] = 2
    _break_the_mail_server(app)
    queued = enqueue("pat@example.org", "Winding up", "Dear Pat,\n")
    db.session.commit()
    for _ in range(2):
        deliver(queued.id)
        db.session.commit()
        _advance(app, timedelta(hours=1))

    assert due(clock.now()) == []
    assert (_row(queued.id).attempts, _row(queued.id).sent_at) == (2, None)


def test_mail_left_unsent_is_delivered_by_the_periodic_job(app):
    """As after ``lets demo --no-serve``: the mails were queued, no worker ever ran."""
    queued = [enqueue(f"m{i}@example.org", "Notice", f"Dear m{i},\n").id for i in range(3)]
    db.session.commit()
    broker_of(app).flush_all()  # the messages sent after the commit are lost
    assert mail.read_outbox() == []

    tasks.send_unsent_mail()  # what the scheduler sends every minute

    assert sorted(str(m["To"]) for m in mail.read_outbox()) == [
        "m0@example.org",
        "m1@example.org",
        "m2@example.org",
    ]
    assert all(_row(i).sent_at is not None for i in queued)


@pytest.mark.skipif(testing.postgres_server_url() is None, reason="needs PostgreSQL")
def test_a_mail_about_a_scheme_is_kept_with_it_by_row_level_security(app):
    from lets_platform.tenancy.operations import provision_scheme

    wiltshire = provision_scheme(
        slug="wiltshire", name="Wiltshire", currency_code="WES", currency_name="WES units"
    )
    bright = provision_scheme(
        slug="bright", name="Bright", currency_code="BRX", currency_name="Links"
    )
    enqueue("a@example.org", "To Wiltshire", "...", scheme_id=wiltshire.id)
    enqueue("b@example.org", "To Bright", "...", scheme_id=bright.id)
    enqueue("c@example.org", "From the hub", "...")
    entered = str(wiltshire.id)
    db.session.commit()

    scope.reset(entered)  # a unit of work that entered Wiltshire only
    seen = set(db.session.scalars(select(QueuedMail.subject)))

    assert seen == {"To Wiltshire", "From the hub"}


def test_wind_up_notices_left_unsent_by_demo_no_serve_are_sent_later(lets, tmp_path):
    lets("demo", "--no-serve")  # seeds a wind-up, whose notices no worker sends
    assert mail.read_outbox(tmp_path / "outbox") == []

    with testing.keep_jobs_bound():
        later = testing.make_app(lets.url, instance_path=str(tmp_path))
        with later.app_context():
            scope.allow_all()
            tasks.send_unsent_mail()  # what `lets scheduler` sends every minute
            unsent = db.session.scalar(
                select(func.count()).select_from(QueuedMail).where(QueuedMail.sent_at.is_(None))
            )
        testing.dispose(later)

    notices = mail.read_outbox(tmp_path / "outbox")
    subjects = [str(m["Subject"]) for m in notices]
    assert unsent == 0
    assert len([s for s in subjects if "Avon Vale LETS is winding up" in s]) >= 5
    # the governance mail of the demo (kim's termination and appeal) waits there too
    assert any("your membership is terminated" in s for s in subjects)
    assert any("an appeal against a termination is waiting" in s for s in subjects)
