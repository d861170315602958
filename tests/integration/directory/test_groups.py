"""Groups: open or by invitation, and what they share only with their members."""

from __future__ import annotations

import pytest

from lets_platform.testing import assert_problem


@pytest.fixture
def w(scheme_with_members):
    return scheme_with_members(handles=("alice", "bob", "carl"))


def _group(client, path, **body):
    response = client.post(path + "/groups", {"name": "Growers", **body})
    assert response.status_code == 201, response.json
    return response.json


def test_anyone_joins_an_open_group(w):
    group = _group(w.as_["alice"], w.path)

    joined = w.as_["bob"].post(f"{w.path}/groups/{group['id']}/members", {"handle": "bob"})

    assert joined.status_code == 201
    assert {m["handle"] for m in joined.json["members"]} == {"alice", "bob"}


def test_an_invite_only_group_takes_only_the_invited_and_is_hidden_from_others(w):
    group = _group(w.as_["alice"], w.path, visibility="invite")
    members = f"{w.path}/groups/{group['id']}/members"

    assert_problem(w.as_["bob"].post(members, {"handle": "bob"}), 404, "group_not_found")
    assert w.as_["bob"].get(w.path + "/groups").json == []
    assert w.as_["alice"].post(members, {"handle": "bob"}).json["members"][1]["state"] == "invited"
    assert w.as_["bob"].post(members, {"handle": "bob"}).json["membership"] == "member"
    assert_problem(w.as_["carl"].post(members, {"handle": "carl"}), 404, "group_not_found")


def test_group_only_listings_and_events_are_for_the_groups_members(w):
    group = _group(w.as_["alice"], w.path)
    listing = (
        w.as_["alice"]
        .post(
            w.path + "/listings",
            {
                "kind": "offer",
                "title": "Seedlings",
                "category": "other",
                "visibility": "group",
                "group": group["id"],
            },
        )
        .json
    )
    event = (
        w.as_["alice"]
        .post(
            w.path + "/events",
            {
                "title": "Seed swap",
                "starts_at": "2999-01-01T10:00:00+00:00",
                "location": "Barn",
                "group": group["id"],
            },
        )
        .json
    )

    assert_problem(w.as_["bob"].get(f"{w.path}/listings/{listing['id']}"), 404, "listing_not_found")
    assert_problem(w.as_["bob"].get(f"{w.path}/events/{event['id']}"), 404, "event_not_found")
    w.as_["bob"].post(f"{w.path}/groups/{group['id']}/members", {"handle": "bob"})
    assert w.as_["bob"].get(f"{w.path}/listings/{listing['id']}").json["title"] == "Seedlings"
    assert w.as_["bob"].get(f"{w.path}/events/{event['id']}").json["title"] == "Seed swap"


def test_only_a_groups_members_share_with_it(w):
    group = _group(w.as_["alice"], w.path)

    refused = w.as_["bob"].post(
        w.path + "/listings",
        {
            "kind": "offer",
            "title": "x",
            "category": "other",
            "visibility": "group",
            "group": group["id"],
        },
    )

    assert_problem(refused, 403, "not_in_group")


def test_group_names_are_checked(w):
    _group(w.as_["alice"], w.path)

    assert_problem(w.as_["bob"].post(w.path + "/groups", {"name": "Growers"}), 409, "group_exists")
    assert_problem(w.as_["bob"].post(w.path + "/groups", {"name": "x" * 81}), 422, "text_too_long")
    assert_problem(
        w.as_["bob"].post(w.path + "/groups", {"name": "Y", "visibility": "secret"}),
        422,
        "group_visibility_invalid",
    )
