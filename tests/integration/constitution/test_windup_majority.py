"""The wind-up decision applies the scheme's own majority: WES 13(b) two thirds of the
members present and voting; Bright 12.2 two thirds of the whole membership."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lets_federation.windup.models import WindUp
from lets_platform.db import db
from lets_platform.testing import assert_problem, db_state

DEADLINE = (date.today() + timedelta(days=30)).isoformat()
NINE = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9")  # + the organiser: ten members


@pytest.fixture
def national(api, create_admin, token_for):
    return api.as_(token_for(create_admin()))


def _ballot(votes_for: int, votes_against: int) -> dict[str, object]:
    return {"votes_for": votes_for, "votes_against": votes_against, "deadline": DEADLINE}


def test_bright_is_not_wound_up_by_two_thirds_of_votes_cast_short_of_its_membership(
    national, scheme_with_members
):
    scheme_with_members("bright", handles=NINE, network="south-east", constitution="bright")
    before = db_state()

    response = national.post("/schemes/bright/wind-up", _ballot(5, 1))

    body = assert_problem(response, 422, "ballot_short_of_two_thirds")
    assert body["majority"] == "two_thirds_of_membership"
    assert body["clause"] == "12.2"
    assert (body["electorate"], body["needed"]) == (10, 7)
    assert "12.2" in body["detail"]
    assert db_state() == before


def test_bright_is_wound_up_by_two_thirds_of_its_membership(national, scheme_with_members):
    scheme_with_members("bright", handles=NINE, network="south-east", constitution="bright")

    response = national.post("/schemes/bright/wind-up", _ballot(7, 3))

    assert response.status_code == 201, response.json
    assert (response.json["majority"], response.json["electorate"]) == (
        "two_thirds_of_membership",
        10,
    )
    assert db.session.scalar(db.select(WindUp.majority)) == "two_thirds_of_membership"


def test_wiltshire_is_wound_up_by_two_thirds_of_those_voting(national, scheme_with_members):
    scheme_with_members("wiltshire", handles=NINE, network="south-west", constitution="wiltshire")

    response = national.post("/schemes/wiltshire/wind-up", _ballot(5, 1))

    assert response.status_code == 201, response.json
    assert response.json["majority"] == "two_thirds_of_votes_cast"
