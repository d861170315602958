"""Jobs run through the configured dramatiq broker: the in-process stub by default, Redis in CI."""

from __future__ import annotations

import pytest
from dramatiq import Worker
from sqlalchemy import select

from lets_platform import testing
from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.jobs import broker_of
from lets_platform.tenancy.operations import provision_scheme

BROKERS = [
    "stub",
    pytest.param(
        "redis",
        marks=pytest.mark.skipif(
            testing.redis_url() is None, reason="LETS_TEST_REDIS_URL is not set (CI sets it)"
        ),
    ),
]


@pytest.mark.parametrize("broker", BROKERS)
def test_a_worker_runs_the_books_audit_and_records_it(broker, database_url):
    redis = testing.redis_url() if broker == "redis" else None
    app = testing.make_app(database_url, LETS_REDIS_URL=redis)
    from lets_tenants.ledger.tasks import audit_books

    with app.app_context():
        provision_scheme(
            slug="wiltshire", name="Wiltshire", currency_code="WES", currency_name="WES units"
        )
        db.session.commit()
        the_broker = broker_of(app)
        if redis:
            the_broker.flush_all()
        worker = Worker(the_broker, worker_timeout=100)
        worker.start()
        try:
            audit_books.send("wiltshire")
            the_broker.join(audit_books.queue_name, timeout=30_000)
            worker.join()
        finally:
            worker.stop()
        db.session.rollback()
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "books.audited"))
        assert entry is not None
        assert entry.details["findings"] == 0
        testing.empty_tables()
    testing.dispose(app)
