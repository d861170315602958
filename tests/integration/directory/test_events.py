"""Events: posting (never in the past), RSVPs with a waiting list, the iCalendar feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from lets_platform.testing import assert_problem


@pytest.fixture
def w(scheme_with_members):
    return scheme_with_members(handles=("alice", "bob", "carl"))


def _when(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def _event(client, path, **body):
    fields = {"title": "Trading day", "starts_at": _when(3), "location": "Town hall", **body}
    response = client.post(path + "/events", fields)
    assert response.status_code == 201, response.json
    return response.json


def test_a_member_posts_an_event(w):
    made = _event(w.as_["alice"], w.path, capacity=20, description="Bring things to swap")

    assert (made["title"], made["capacity"], made["going"], made["waiting"]) == (
        "Trading day",
        20,
        0,
        0,
    )
    assert [e["id"] for e in w.as_["bob"].get(w.path + "/events").json] == [made["id"]]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"starts_at": _when(-1)}, "date_in_the_past", "starts_at"),
        ({"ends_at": _when(2)}, "ends_before_start", "ends_at"),
        ({"capacity": 0}, "capacity_invalid", "capacity"),
        ({"title": "t" * 121}, "text_too_long", "title"),
        ({"location": ""}, "text_missing", "location"),
    ],
)
def test_bad_events_are_refused_by_name(w, body, code, field):
    fields = {"title": "Social", "starts_at": _when(3), "location": "Pub", **body}

    problem = assert_problem(w.as_["alice"].post(w.path + "/events", fields), 422, code)

    assert field in problem["errors"]


def test_a_full_event_puts_people_on_the_waiting_list_and_a_freed_place_goes_to_the_first(w):
    event = _event(w.as_["olive"], w.path, capacity=1)
    rsvp = f"{w.path}/events/{event['id']}/rsvp"

    assert w.as_["alice"].post(rsvp, {"going": True}).json["rsvp"] == "going"
    assert w.as_["bob"].post(rsvp, {"going": True}).json["rsvp"] == "waiting"
    assert w.as_["carl"].post(rsvp, {"going": True}).json["rsvp"] == "waiting"

    after = w.as_["alice"].post(rsvp, {"going": False}).json

    assert (after["going"], after["waiting"], after["rsvp"]) == (1, 1, None)
    assert w.as_["bob"].get(f"{w.path}/events/{event['id']}").json["rsvp"] == "going"
    assert w.as_["carl"].get(f"{w.path}/events/{event['id']}").json["rsvp"] == "waiting"


def test_answering_twice_changes_nothing(w):
    event = _event(w.as_["olive"], w.path, capacity=5)
    rsvp = f"{w.path}/events/{event['id']}/rsvp"

    w.as_["alice"].post(rsvp, {"going": True})

    assert w.as_["alice"].post(rsvp, {"going": True}).json["going"] == 1


def test_the_calendar_feed_lists_coming_events_for_a_member_or_a_subscription_link(w, ctx):
    from lets_tenants.events.operations import feed_key

    _event(w.as_["alice"], w.path, title="Skills swap")

    response = w.as_["bob"].get(w.path + "/events.ics")

    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Skills swap"]
    bob = w.people["bob"]
    linked = (
        w.as_["bob"]
        .as_(None)
        .get(w.path + "/events.ics", member=bob.id, key=feed_key(bob, w.scheme))
    )
    assert linked.status_code == 200
    assert (
        w.as_["bob"].as_(None).get(w.path + "/events.ics", member=bob.id, key="x").status_code
        == 404
    )


def test_an_outsider_does_not_see_a_schemes_events(w, scheme_with_members):
    event = _event(w.as_["alice"], w.path)
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")

    assert_problem(bright.as_["carol"].get(f"{w.path}/events/{event['id']}"), 403, "not_permitted")
    assert_problem(
        bright.as_["carol"].get(f"/schemes/bright/events/{event['id']}"), 404, "event_not_found"
    )
