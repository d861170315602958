"""Search within and across schemes: full text with prefixes and ranking, filters, and the
visibility rule (never a scheme-only listing to an outsider, by search or by id)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lets_platform.db import db
from lets_platform.testing import assert_problem


@pytest.fixture
def two(scheme_with_members) -> SimpleNamespace:
    wilts = scheme_with_members("wiltshire")
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")
    return SimpleNamespace(w=wilts, b=bright)


def _list(client, scheme, **body):
    fields = {"kind": "offer", "category": "other", **body}
    response = client.post(f"/schemes/{scheme}/listings", fields)
    assert response.status_code == 201, response.json
    return response.json


def _search(client, **query):
    response = client.get("/directory/search", **query)
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_an_outsider_finds_federation_listings_with_their_owner_and_never_scheme_only_ones(two):
    shared = _list(two.w.as_["alice"], "wiltshire", title="Gardening", visibility="federation")
    _list(two.w.as_["bob"], "wiltshire", title="Garden tools to lend")

    found = _search(two.b.as_["carol"], q="garden")

    assert [(i["id"], i["owner"], i["scheme"]) for i in found] == [
        (shared["id"], "wiltshire/alice", "wiltshire")
    ]


def test_a_member_finds_their_own_schemes_listings_and_federation_ones(two):
    _list(two.w.as_["alice"], "wiltshire", title="Garden tools to lend")
    _list(two.b.as_["carol"], "bright", title="Gardening lessons", visibility="federation")
    _list(two.b.as_["carol"], "bright", title="Garden party", visibility="scheme")

    found = {i["title"] for i in _search(two.w.as_["bob"], q="garden")}

    assert found == {"Garden tools to lend", "Gardening lessons"}


def test_a_scheme_only_listing_is_not_found_by_id_from_outside(two):
    private = _list(two.w.as_["alice"], "wiltshire", title="Eggs")
    shared = _list(two.w.as_["alice"], "wiltshire", title="Honey", visibility="federation")

    carol = two.b.as_["carol"]
    assert_problem(
        carol.get(f"/schemes/wiltshire/listings/{private['id']}"), 404, "listing_not_found"
    )
    assert carol.get(f"/schemes/wiltshire/listings/{shared['id']}").json["title"] == "Honey"
    # an id of one scheme asked for under another is not found either
    assert_problem(
        two.w.as_["alice"].get(f"/schemes/bright/listings/{private['id']}"),
        404,
        "listing_not_found",
    )


def test_prefixes_match_and_titles_rank_above_descriptions(two):
    alice = two.w.as_["alice"]
    _list(alice, "wiltshire", title="Help around the house", description="Also some gardening")
    _list(alice, "wiltshire", title="Gardening and hedges")

    found = [i["title"] for i in _search(alice, q="gard")]

    assert found == ["Gardening and hedges", "Help around the house"]
    assert _search(alice, q="hedge garde")[0]["title"] == "Gardening and hedges"


def test_tags_are_searched(two):
    _list(two.w.as_["alice"], "wiltshire", title="Weekly help", tags=["ironing"])

    assert [i["title"] for i in _search(two.w.as_["bob"], q="ironing")] == ["Weekly help"]


def test_filters_kind_category_area_scheme_and_updated_since(two):
    alice, carol = two.w.as_["alice"], two.b.as_["carol"]
    _list(
        alice,
        "wiltshire",
        title="Bread",
        category="baking",
        area="Devizes",
        visibility="federation",
    )
    _list(
        alice,
        "wiltshire",
        title="Bread wanted",
        kind="want",
        category="baking",
        visibility="federation",
    )
    _list(
        carol, "bright", title="Bread too", category="baking", area="Hove", visibility="federation"
    )

    def titles(**query):
        return sorted(i["title"] for i in _search(carol, q="bread", **query))

    assert titles(kind="want") == ["Bread wanted"]
    assert titles(category="food-and-drink", scheme="wiltshire") == ["Bread", "Bread wanted"]
    assert titles(area="devi") == ["Bread"]
    assert titles(updated_since="2999-01-01T00:00:00Z") == []


def test_hidden_and_group_listings_stay_out_of_search(two):
    from lets_tenants.directory.models import Listing

    made = _list(two.w.as_["alice"], "wiltshire", title="Jam", visibility="federation")
    db.session.get_one(Listing, made["id"]).status = "hidden"
    db.session.commit()

    assert _search(two.b.as_["carol"], q="jam") == []
    assert _search(two.w.as_["bob"], q="jam") == []
    assert [i["title"] for i in _search(two.w.as_["alice"], q="jam")] == ["Jam"]


def test_search_pages_with_a_cursor(two):
    for n in range(5):
        _list(two.w.as_["alice"], "wiltshire", title=f"Lesson {n}")
    client = two.w.as_["bob"]

    first = client.get("/directory/search", q="lesson", limit=3).json
    second = client.get("/directory/search", q="lesson", limit=3, cursor=first["next_cursor"]).json

    assert len(first["items"]) == 3 and len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert_problem(client.get("/directory/search", cursor="zz"), 422, "cursor_invalid")


def test_punctuation_in_a_query_is_only_a_separator(two):
    _list(two.w.as_["alice"], "wiltshire", title="Bike repair")

    assert [i["title"] for i in _search(two.w.as_["bob"], q="bike' OR 1=1; --\"*")] == []
    assert [i["title"] for i in _search(two.w.as_["bob"], q="(bike)")] == ["Bike repair"]
