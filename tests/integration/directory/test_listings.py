"""Offers and wants through the API: who lists, what is checked, who sees what, renewal."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from lets_platform.db import db
from lets_platform.identity.operations import grant_role
from lets_platform.testing import assert_problem

GARDEN = {"kind": "offer", "title": "Gardening help", "category": "gardening"}


@pytest.fixture
def w(scheme_with_members) -> SimpleNamespace:
    return scheme_with_members()


@pytest.fixture
def editor(w, create_member, token_for, api):
    person = create_member(w.scheme, "edna")
    grant_role(person, "directory_editor", scheme_id=w.scheme.id, granted_by=None)
    db.session.commit()
    return api.as_(token_for(person))


def _list(client, path, body=None):
    response = client.post(path + "/listings", {**GARDEN, **(body or {})})
    assert response.status_code == 201, response.json
    return response.json


def test_a_member_lists_an_offer_visible_to_the_scheme_for_six_months(w):
    body = {
        "price": "4.50",
        "per_hour": True,
        "tags": ["Garden", "outdoor work"],
        "area": "Devizes",
    }

    made = _list(w.as_["alice"], w.path, body)

    assert {k: made[k] for k in ("kind", "title", "category", "owner", "visibility", "status")} == {
        "kind": "offer",
        "title": "Gardening help",
        "category": "gardening",
        "owner": "wiltshire/alice",
        "visibility": "scheme",
        "status": "active",
    }
    assert (made["price"], made["per_hour"], made["tags"]) == (
        "4.50",
        True,
        ["garden", "outdoor-work"],
    )
    assert made["expires_on"] == (date.today() + timedelta(days=180)).isoformat()
    assert w.as_["bob"].get(f"{w.path}/listings/{made['id']}").json["title"] == "Gardening help"


def test_the_scheme_has_the_default_category_tree(w):
    categories = w.as_["alice"].get(w.path + "/categories").json

    slugs = {c["slug"]: c["parent"] for c in categories}
    assert slugs["food-and-drink"] is None
    assert slugs["baking"] == "food-and-drink"
    assert slugs["other"] is None


def test_organisers_add_categories_and_members_may_not(w):
    made = w.as_["olive"].post(w.path + "/categories", {"name": "Bicycles", "parent": "other"})
    refused = w.as_["alice"].post(w.path + "/categories", {"name": "Boats"})

    assert made.status_code == 201 and made.json["slug"] == "bicycles"
    assert_problem(refused, 403, "not_permitted")


def test_a_directory_editor_lists_for_a_paper_member(w, editor):
    made = _list(editor, w.path, {"owner": "bob"})

    assert made["owner"] == "wiltshire/bob"


def test_a_member_may_not_list_for_another(w):
    assert_problem(
        w.as_["alice"].post(w.path + "/listings", {**GARDEN, "owner": "bob"}), 403, "not_permitted"
    )


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"title": "x" * 121}, 422, "text_too_long", "title"),
        ({"title": "  "}, 422, "text_missing", "title"),
        ({"description": "y" * 4001}, 422, "text_too_long", "description"),
        ({"category": "astrology"}, 422, "category_not_found", "category"),
        ({"price": "-1.00"}, 422, "price_invalid", "price"),
        ({"price": "1.234"}, 422, "price_invalid", "price"),
        ({"expires_on": "2020-01-01"}, 422, "date_in_the_past", "expires_on"),
        ({"visibility": "group"}, 422, "visibility_invalid", "group"),
        ({"tags": [f"t{i}" for i in range(13)]}, 422, "text_too_long", "tags"),
    ],
)
def test_bad_input_is_refused_with_a_named_error_on_the_field(w, change, status, code, field):
    problem = assert_problem(
        w.as_["alice"].post(w.path + "/listings", {**GARDEN, **change}), status, code
    )

    assert field in problem["errors"]


def test_an_expiry_more_than_a_year_ahead_is_refused(w):
    far = (date.today() + timedelta(days=400)).isoformat()

    assert_problem(
        w.as_["alice"].post(w.path + "/listings", {**GARDEN, "expires_on": far}),
        422,
        "expiry_too_far",
    )


def test_html_is_kept_as_text_and_the_description_renders_safe_markdown(w):
    made = _list(
        w.as_["alice"],
        w.path,
        {
            "title": "<b>Bold</b> eggs",
            "description": "**Free range** <script>alert(1)</script> [me](javascript:alert(1))",
        },
    )

    assert made["title"] == "<b>Bold</b> eggs"
    html = made["description_html"]
    assert "<strong>Free range</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html.replace("[me](javascript:alert(1))", "")


def test_only_the_owner_or_an_editor_changes_or_deletes_a_listing(w, editor):
    made = _list(w.as_["alice"], w.path)
    path = f"{w.path}/listings/{made['id']}"

    assert_problem(w.as_["bob"].patch(path, {"title": "Mine now"}), 403, "not_permitted")
    assert w.as_["alice"].patch(path, {"title": "Garden help"}).json["title"] == "Garden help"
    assert editor.patch(path, {"area": "Calne"}).json["area"] == "Calne"
    assert_problem(w.as_["bob"].delete(path), 403, "not_permitted")
    assert editor.delete(path).status_code == 204
    assert_problem(w.as_["alice"].get(path), 404, "listing_not_found")


def test_renewal_is_one_call_and_brings_a_lapsed_listing_back(w, fake_clock):
    made = _list(
        w.as_["alice"], w.path, {"expires_on": (date.today() + timedelta(days=2)).isoformat()}
    )
    fake_clock.advance(days=5)
    from lets_tenants.directory.tasks import remind_expiring

    remind_expiring.fn()
    path = f"{w.path}/listings/{made['id']}"
    assert w.as_["alice"].get(path).json["status"] == "expired"
    assert_problem(w.as_["bob"].get(path), 404, "listing_not_found")

    renewed = w.as_["alice"].post(path + "/renew")

    assert renewed.status_code == 200
    assert renewed.json["status"] == "active"
    assert renewed.json["expires_on"] == (fake_clock.now().date() + timedelta(days=180)).isoformat()


def test_filters_by_kind_category_and_owner(w):
    _list(w.as_["alice"], w.path)
    _list(w.as_["bob"], w.path, {"kind": "want", "title": "Sourdough loaf", "category": "baking"})

    def titles(**query):
        return [i["title"] for i in w.as_["alice"].get(w.path + "/listings", **query).json["items"]]

    assert titles(kind="want") == ["Sourdough loaf"]
    assert titles(category="food-and-drink") == ["Sourdough loaf"]
    assert titles(owner="alice") == ["Gardening help"]
    assert titles(q="sourd") == ["Sourdough loaf"]


def test_the_owner_is_reminded_once_a_week_before_expiry_with_the_renewal_link(w):
    from lets_platform.mail import read_outbox
    from lets_tenants.directory.tasks import remind_expiring

    soon = (date.today() + timedelta(days=5)).isoformat()
    made = _list(w.as_["alice"], w.path, {"expires_on": soon})
    _list(w.as_["bob"], w.path, {"title": "Not yet"})

    remind_expiring.fn()
    remind_expiring.fn()

    mails = read_outbox()
    assert [m["To"] for m in mails] == ["alice@wiltshire.test"]
    assert f"/s/wiltshire/directory/listings/{made['id']}" in mails[0].get_content()
