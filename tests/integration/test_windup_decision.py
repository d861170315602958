"""The wind-up decision: a two-thirds ballot of the votes cast puts a scheme in winding_up
with a repayment deadline and the regional pool as default destination; anything short
of that is refused by name and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from lets_federation.windup.models import WindUp
from lets_platform.cli import main
from lets_platform.db import db
from lets_platform.tenancy.models import Scheme
from lets_platform.testing import assert_problem, db_state

DEADLINE = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture
def national(api, create_admin, token_for):
    return api.as_(token_for(create_admin()))


@pytest.fixture
def avon(scheme_with_members):
    return scheme_with_members("avon", network="south-west")


def _ballot(votes_for: int, votes_against: int, **more: object) -> dict[str, object]:
    return {"votes_for": votes_for, "votes_against": votes_against, "deadline": DEADLINE, **more}


def test_a_two_thirds_ballot_puts_the_scheme_in_winding_up(national, avon):
    response = national.post("/schemes/avon/wind-up", _ballot(10, 5, meeting_date="2026-11-30"))

    assert response.status_code == 201, response.json
    assert response.json["state"] == "repayment"
    assert response.json["deadline"] == DEADLINE
    assert response.json["pool"] == "pool-south-west"
    assert db.session.get_one(Scheme, avon.scheme.id).status == "winding_up"


def test_abstentions_are_not_votes_cast(national, avon):
    response = national.post("/schemes/avon/wind-up", _ballot(10, 5, votes_abstaining=40))

    assert response.status_code == 201, response.json


def test_a_ballot_short_of_two_thirds_is_refused_and_writes_nothing(national, avon):
    before = db_state()

    response = national.post("/schemes/avon/wind-up", _ballot(9, 5))

    body = assert_problem(response, 422, "ballot_short_of_two_thirds")
    assert (body["votes_for"], body["votes_against"]) == (9, 5)
    assert db_state() == before


def test_a_ballot_with_no_votes_for_is_refused(national, avon):
    assert_problem(
        national.post("/schemes/avon/wind-up", _ballot(0, 0)), 422, "ballot_short_of_two_thirds"
    )


@pytest.mark.parametrize("days", [0, -1])
def test_the_deadline_must_be_after_today(national, avon, days):
    ballot = _ballot(10, 1, deadline=(date.today() + timedelta(days=days)).isoformat())

    assert_problem(national.post("/schemes/avon/wind-up", ballot), 422, "deadline_invalid")


def test_negative_votes_are_invalid(national, avon):
    assert_problem(
        national.post("/schemes/avon/wind-up", _ballot(10, -1)), 422, "validation_failed"
    )


def test_a_scheme_winds_up_once(national, avon):
    national.post("/schemes/avon/wind-up", _ballot(10, 1))

    response = national.post("/schemes/avon/wind-up", _ballot(10, 1))

    assert_problem(response, 409, "already_winding_up")
    assert db.session.query(WindUp).count() == 1


def test_a_scheme_outside_any_network_has_no_pool_to_wind_up_into(national, scheme_with_members):
    scheme_with_members("loner")
    before = db_state()

    response = national.post("/schemes/loner/wind-up", _ballot(10, 1))

    assert_problem(response, 409, "no_regional_network")
    assert db_state() == before


def test_an_organiser_may_not_record_the_decision(avon):
    response = avon.as_["olive"].post("/schemes/avon/wind-up", _ballot(10, 1))

    assert_problem(response, 403, "not_permitted")


def test_the_command_line_records_the_ballot_and_shows_the_status(ctx, avon):
    runner = CliRunner()
    args = ["schemes", "wind-up", "avon", "--ballot-for", "12", "--ballot-against", "3"]

    made = runner.invoke(main, [*args, "--deadline", DEADLINE], obj=_script_info(ctx))
    status = runner.invoke(main, ["schemes", "wind-up-status", "avon"], obj=_script_info(ctx))

    assert made.exit_code == 0, made.output
    assert "avon is winding up" in made.output
    assert f"deadline {DEADLINE}" in status.output
    assert "choices made: 0 of 3 members" in status.output


def test_the_command_line_refuses_a_short_ballot_by_name(ctx, avon):
    args = ["schemes", "wind-up", "avon", "--ballot-for", "6", "--ballot-against", "4"]

    result = CliRunner().invoke(main, [*args, "--deadline", DEADLINE], obj=_script_info(ctx))

    assert result.exit_code == 1
    assert "ballot_short_of_two_thirds" in result.output


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


def test_a_meeting_in_the_future_is_invalid_and_writes_nothing(national, avon):
    before = db_state()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()

    response = national.post("/schemes/avon/wind-up", _ballot(10, 1, meeting_date=tomorrow))

    assert_problem(response, 422, "validation_failed")
    assert db_state() == before


def test_the_command_line_records_a_choice_given_on_paper(ctx, national, avon):
    national.post("/schemes/avon/wind-up", _ballot(10, 1))
    args = ["schemes", "wind-up-choice", "avon", "alice", "pool", "--handle", "alice-avon"]

    result = CliRunner().invoke(main, args, obj=_script_info(ctx))

    assert result.exit_code == 0, result.output
    assert "avon/alice -> pool-south-west/alice-avon" in result.output
