"""A member of one scheme searches across schemes, opens a listing of another scheme and
messages its owner, in a real browser; the directory's pages fit a phone."""

from __future__ import annotations

from sqlalchemy import select

from lets_platform.db import db
from lets_platform.web.testing import no_horizontal_scroll, screenshot, sign_in_page
from lets_tenants.messages.models import Message


def _listing(client, **body):
    response = client.post("/schemes/wiltshire/listings", {"category": "other", **body})
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_search_across_schemes_open_a_listing_and_message_its_owner(page, scheme_with_members):
    wiltshire = scheme_with_members("wiltshire")
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")
    _listing(
        wiltshire.as_["alice"],
        kind="offer",
        title="Beekeeping lessons",
        description="Learn to keep **bees** in a small garden.\n\n- suits",
        visibility="federation",
        price="10.00",
        per_hour=True,
        area="Devizes",
    )
    _listing(wiltshire.as_["bob"], kind="want", title="Bee suit to borrow")  # scheme only
    carol = bright.people["carol"]
    db.session.commit()
    sign_in_page(page, carol)
    page.wait_for_url("**/s/bright/")

    page.goto("/s/bright/directory")
    page.get_by_label("Search offers and wants").fill("bee")
    page.get_by_label("Every scheme (what their members share)").check()
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("link", name="Beekeeping lessons").is_visible()
    assert page.get_by_text("Bee suit to borrow").count() == 0
    assert no_horizontal_scroll(page)
    screenshot(page, "directory-search")

    page.get_by_role("link", name="Beekeeping lessons").click()
    page.wait_for_url("**/s/wiltshire/directory/listings/*")
    assert page.get_by_text("wiltshire/alice").is_visible()
    screenshot(page, "directory-listing")
    page.get_by_label("Message", exact=True).fill("Could I start next month?")
    page.get_by_role("button", name="Send message").click()

    page.wait_for_url("**/messages?with=wiltshire%2Falice")
    assert page.get_by_text("Could I start next month?").is_visible()
    screenshot(page, "directory-conversation")
    db.session.rollback()
    sent = db.session.scalars(select(Message)).one()
    assert (sent.body, sent.sender.handle, sent.recipient.handle) == (
        "Could I start next month?",
        "carol",
        "alice",
    )


def _axe(page) -> list[str]:
    """The page's accessibility violations by axe-core (rule id: the first element)."""
    import pytest

    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe.Axe().run(page)
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]]


def test_the_community_pages_fit_a_phone_and_pass_axe(page, scheme_with_members):
    wiltshire = scheme_with_members("wiltshire")
    bread = _listing(wiltshire.as_["alice"], kind="offer", title="Bread", description="Sourdough")
    event = (
        wiltshire.as_["alice"]
        .post(
            "/schemes/wiltshire/events",
            {"title": "Trading day", "starts_at": "2999-05-01T10:00:00+00:00", "location": "Hall"},
        )
        .json["id"]
    )
    group = wiltshire.as_["olive"].post("/schemes/wiltshire/groups", {"name": "Growers"}).json["id"]
    wiltshire.as_["alice"].post("/messages", {"to": "wiltshire/olive", "body": "Hello"})
    sign_in_page(page, wiltshire.people["olive"])
    page.wait_for_url("**/s/wiltshire/")
    problems: list[str] = []

    for name, path in [
        ("directory-browse", "/s/wiltshire/directory"),
        ("directory-new", "/s/wiltshire/directory/new"),
        ("directory-mine", "/s/wiltshire/directory/mine"),
        ("profile-edit", "/s/wiltshire/profile"),
        ("profile-show", "/s/wiltshire/members/alice"),
        ("events", "/s/wiltshire/events"),
        ("groups", "/s/wiltshire/groups"),
        ("reports", "/s/wiltshire/directory/reports"),
        ("listing", f"/s/wiltshire/directory/listings/{bread}"),
        ("event", f"/s/wiltshire/events/{event}"),
        ("event-new", "/s/wiltshire/events/new"),
        ("group", f"/s/wiltshire/groups/{group}"),
        ("messages", "/messages?with=wiltshire/alice"),
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        problems.extend(f"{path}: {v}" for v in _axe(page))
        page.set_viewport_size({"width": 390, "height": 800})
        assert no_horizontal_scroll(page), path
        screenshot(page, name)
    assert problems == []
