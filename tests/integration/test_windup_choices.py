"""Members' choices of destination: for themselves online, or by an organiser on paper; a
destination is another active scheme or the regional pool; the pool is the default."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lets_federation.windup.models import WindUp, WindUpChoice
from lets_federation.windup.operations import decide, start_migration
from lets_platform.db import db
from lets_platform.testing import assert_problem, db_state
from lets_tenants.membership.operations import add_member

CHOICES = "/schemes/avon/wind-up/choices"


@pytest.fixture
def world(scheme_with_members, create_scheme, create_member):
    """Avon (winding up) with alice, bob and organiser olive; alice is wilts/ali too."""
    avon = scheme_with_members("avon", network="south-west")
    wilts = create_scheme("wilts", network="south-west")
    add_member(wilts, email="alice@avon.test", display_name="Ali", handle="ali", actor=None)
    create_member(wilts, "bob")  # another person holds the handle "bob" in wilts
    decide(avon.scheme, votes_for=2, votes_against=1, deadline=_deadline(), actor=None)
    db.session.commit()
    return avon


def _deadline() -> date:
    return date.today() + timedelta(days=30)


def _mine(world, who: str) -> dict:
    [row] = world.as_[who].get(CHOICES).json
    return row


def test_a_member_of_the_destination_keeps_their_handle_there(world):
    response = world.as_["alice"].post(CHOICES, {"destination": "wilts"})

    assert response.status_code == 201, response.json
    assert response.json | {"chosen_at": None} == {
        "member": "alice",
        "display_name": "Alice",
        "balance": "0.00",
        "destination": "wilts",
        "handle": "ali",
        "creates_membership": False,
        "chosen": True,
        "channel": "online",
        "entered_by": "alice@avon.test",
        "chosen_at": None,
    }


def test_a_new_member_of_the_destination_gets_a_free_handle_of_their_choice(world):
    response = world.as_["bob"].post(CHOICES, {"destination": "wilts", "handle": "bobby"})

    assert (response.json["handle"], response.json["creates_membership"]) == ("bobby", True)


def test_a_handle_taken_at_the_destination_is_refused_now(world):
    before = db_state()

    response = world.as_["bob"].post(CHOICES, {"destination": "wilts"})

    assert_problem(response, 409, "handle_taken")
    assert db_state() == before


def test_a_handle_promised_to_another_member_is_taken_too(world):
    world.as_["bob"].post(CHOICES, {"destination": "pool", "handle": "alice"})

    response = world.as_["alice"].post(CHOICES, {"destination": "pool"})

    assert_problem(response, 409, "handle_taken")


def test_an_organiser_records_a_choice_given_on_paper(world):
    response = world.as_["olive"].post(CHOICES, {"member": "bob", "destination": "pool"})

    assert response.status_code == 201, response.json
    assert response.json["channel"] == "paper"
    assert response.json["entered_by"] == "olive@avon.test"
    assert response.json["destination"] == "pool-south-west"


def test_a_member_may_not_choose_for_another(world):
    response = world.as_["alice"].post(CHOICES, {"member": "bob", "destination": "pool"})

    assert_problem(response, 403, "not_permitted")


def test_a_choice_can_be_changed_and_the_last_one_counts(world):
    world.as_["alice"].post(CHOICES, {"destination": "pool"})

    world.as_["alice"].post(CHOICES, {"destination": "wilts"})

    assert _mine(world, "alice")["destination"] == "wilts"
    assert db.session.query(WindUpChoice).count() == 1


@pytest.mark.parametrize(
    ("destination", "status", "code"),
    [
        ("nowhere", 422, "destination_not_found"),
        ("avon", 422, "destination_invalid"),  # the scheme being wound up
        ("closed", 422, "destination_invalid"),
        ("winding", 422, "destination_invalid"),
        ("pool-north", 422, "destination_invalid"),  # another network's pool
    ],
)
def test_a_destination_that_cannot_take_the_member_is_refused_by_name(
    world, create_scheme, destination, status, code
):
    from lets_federation.pools.operations import ensure_pool_by_slug
    from lets_platform.tenancy.operations import ensure_network

    create_scheme("closed").status = "closed"
    decide(
        create_scheme("winding", network="south-west"),
        votes_for=1,
        votes_against=0,
        deadline=_deadline(),
        actor=None,
    )
    ensure_network("north")
    ensure_pool_by_slug("north")
    db.session.commit()
    before = db_state()

    response = world.as_["alice"].post(CHOICES, {"destination": destination})

    assert_problem(response, status, code)
    assert db_state() == before


def test_members_without_a_choice_go_to_the_pool_under_their_own_handle(world):
    world.as_["alice"].post(CHOICES, {"destination": "wilts"})

    rows = world.as_["olive"].get(CHOICES).json

    assert [(r["member"], r["destination"], r["handle"], r["chosen"]) for r in rows] == [
        ("alice", "wilts", "ali", True),
        ("bob", "pool-south-west", "bob", False),
        ("olive", "pool-south-west", "olive", False),
    ]


def test_a_member_sees_only_their_own_choice(world):
    assert _mine(world, "bob")["member"] == "bob"


def test_choices_close_when_the_migration_starts(world):
    start_migration(db.session.query(WindUp).one())
    db.session.commit()

    response = world.as_["alice"].post(CHOICES, {"destination": "pool"})

    assert_problem(response, 409, "choices_closed")
