"""A wind-up's balances migrate only once the repayment period is over: before the end of
the deadline's day (by the hub's clock) every start is refused with
``repayment_period_not_over``, unless the national administrator forces it with a reason,
which is kept on the run and in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lets_federation.migration.testing import run_of
from lets_federation.windup.operations import decide
from lets_platform import clock
from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.testing import assert_problem

DAYS = 30


@pytest.fixture
def hub(scheme_with_members, create_scheme, create_admin, token_for, api, fake_clock):
    """wiltshire decided to wind up today with a 30-day repayment period."""
    wes = scheme_with_members("wiltshire", rate="10", network="wessex")
    create_scheme("bright", rate="12", network="wessex")
    decide(
        wes.scheme,
        votes_for=9,
        votes_against=1,
        deadline=clock.now().date() + timedelta(days=DAYS),
        actor=None,
    )
    db.session.commit()
    wes.admin = api.as_(token_for(create_admin()))
    wes.clock = fake_clock
    return wes


def migrate(hub, body=None):
    return hub.admin.post(f"{hub.path}/wind-up/migrate", body)


def test_a_start_before_the_deadline_is_refused_by_name_and_says_when_it_ends(hub):
    ends = (clock.now().date() + timedelta(days=DAYS + 1)).isoformat()
    response = migrate(hub)
    assert_problem(response, 409, "repayment_period_not_over")
    assert response.json["ends_at"] == f"{ends} 00:00 UTC"
    assert run_of(hub.scheme) is None


def test_the_last_day_of_the_period_is_still_refused(hub):
    hub.clock.advance(days=DAYS)  # the deadline's own day: debtors may still repay
    assert_problem(migrate(hub), 409, "repayment_period_not_over")


def test_once_the_deadline_has_passed_the_migration_starts(hub):
    hub.clock.advance(days=DAYS + 1)
    response = migrate(hub)
    assert response.status_code == 202, response.json
    assert response.json["forced_reason"] is None


def test_the_national_body_may_force_an_early_start_and_its_reason_is_kept(hub):
    reason = "The committee resigned; no one is left to run the scheme."
    response = migrate(hub, {"force": True, "reason": reason})
    assert response.status_code == 202, response.json
    assert response.json["forced_reason"] == reason
    assert run_of(hub.scheme).forced_reason == reason
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "migration.started")
    ).one()
    assert entry.details["forced_reason"] == reason


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_forcing_without_a_reason_is_refused(hub, reason):
    body = {"force": True} if reason is None else {"force": True, "reason": reason}
    assert_problem(migrate(hub, body), 422, "validation_failed")
    assert run_of(hub.scheme) is None


def test_a_forced_run_resumes_without_forcing_again(hub):
    migrate(hub, {"force": True, "reason": "Emergency"})
    response = migrate(hub)
    assert response.status_code == 202, response.json


@pytest.fixture
def cli(lets):
    """``lets ...`` with wiltshire winding up from today (its deadline in 30 days)."""
    for slug in ("wiltshire", "bright"):
        lets(
            "schemes",
            "create",
            slug,
            "--name",
            slug.title(),
            "--currency-code",
            slug[:3].upper(),
            "--currency-name",
            "units",
            "--rate",
            "10",
            "--network",
            "wessex",
        )
    deadline = (clock.now().date() + timedelta(days=DAYS)).isoformat()
    lets(
        "schemes",
        "wind-up",
        "wiltshire",
        "--ballot-for",
        "9",
        "--ballot-against",
        "1",
        "--deadline",
        deadline,
    )
    return lets


def test_the_shell_refuses_an_early_start_by_name(cli):
    result = cli("schemes", "wind-up-migrate", "wiltshire", ok=False)
    assert result.exit_code == 1
    assert "repayment_period_not_over" in result.output


def test_the_shell_forces_an_early_start_with_a_reason(cli):
    result = cli("schemes", "wind-up-migrate", "wiltshire", "--force", "--reason", "Emergency")
    assert "migration" in result.output and "(running)" in result.output
    again = cli("schemes", "wind-up-migrate", "wiltshire")
    assert "(running)" in again.output  # the run started: resuming it needs no force
