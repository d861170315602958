"""The directory and community pages: each works without JavaScript, calls the same
operations as the API, and puts a named error beside its field."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lets_platform.db import db
from lets_platform.identity.operations import grant_role
from lets_tenants.directory.models import Listing
from lets_tenants.events.models import Event
from lets_tenants.messages.models import Message


@pytest.fixture
def two(scheme_with_members) -> SimpleNamespace:
    wilts = scheme_with_members("wiltshire")
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")
    wilts.honey = (
        wilts.as_["alice"]
        .post(
            "/schemes/wiltshire/listings",
            {
                "kind": "offer",
                "title": "Honey <b>jars</b>",
                "category": "other",
                "visibility": "federation",
                "description": "**Local** <script>x()</script>",
            },
        )
        .json
    )
    wilts.as_["bob"].post(
        "/schemes/wiltshire/listings", {"kind": "want", "title": "Honey bees", "category": "other"}
    )
    return SimpleNamespace(w=wilts, b=bright)


def test_search_across_schemes_shows_only_what_is_shared(two, browser):
    browser.sign_in(two.b.people["carol"])

    page = browser.get("/s/bright/directory?q=hone&where=all")

    assert page.status_code == 200
    assert "wiltshire/alice" in page.text and "Honey &lt;b&gt;jars&lt;/b&gt;" in page.text
    assert "Honey bees" not in page.text


def test_a_listing_page_renders_safe_markdown_and_messages_its_owner(two, browser):
    browser.sign_in(two.b.people["carol"])
    path = f"/s/wiltshire/directory/listings/{two.w.honey['id']}"

    page = browser.get(path)
    assert "<strong>Local</strong>" in page.text and "<script>x()" not in page.text

    sent = browser.submit(path, {"subject": "Honey", "body": "Two jars please"})

    assert sent.status_code == 302
    message = db.session.scalars(select(Message)).one()
    assert (message.body, message.listing_id) == ("Two jars please", two.w.honey["id"])
    assert "Two jars please" in browser.get(sent.headers["Location"]).text


def test_an_empty_message_is_refused_beside_its_field(two, browser):
    browser.sign_in(two.b.people["carol"])
    path = f"/s/wiltshire/directory/listings/{two.w.honey['id']}"

    page = browser.submit(path, {"subject": "", "body": ""})

    assert page.status_code == 422
    assert 'id="body-error"' in page.text


def test_a_scheme_only_listing_is_not_found_from_outside(two, browser):
    hidden = db.session.scalar(select(Listing.id).where(Listing.title == "Honey bees"))
    browser.sign_in(two.b.people["carol"])

    assert browser.get(f"/s/wiltshire/directory/listings/{hidden}").status_code == 404


def test_a_member_lists_an_offer_and_an_over_long_title_is_named(two, browser):
    browser.sign_in(two.w.people["bob"])
    base = {"kind": "offer", "category": "baking", "visibility": "scheme", "group": ""}

    refused = browser.submit("/s/wiltshire/directory/new", {**base, "title": "x" * 121})
    made = browser.submit("/s/wiltshire/directory/new", {**base, "title": "Bread", "price": "3.50"})

    assert refused.status_code == 422 and 'id="title-error"' in refused.text
    assert made.status_code == 302
    assert "Bread" in browser.get("/s/wiltshire/directory/mine").text


def test_renewal_is_one_button(two, browser):
    browser.sign_in(two.w.people["alice"])

    done = browser.submit(
        f"/s/wiltshire/directory/listings/{two.w.honey['id']}/renew",
        {},
        form_page="/s/wiltshire/directory/mine",
    )

    assert done.status_code == 302


def test_the_profile_page_and_a_wrong_photo(two, browser):
    browser.sign_in(two.w.people["alice"])
    saved = browser.submit(
        "/s/wiltshire/profile",
        {
            "display_name": "Alice A",
            "area": "Devizes",
            "about": "",
            "skills": "honey",
            "contact": "01380",
            "show_area": "public",
            "show_about": "scheme",
            "show_skills": "federation",
            "show_contact": "scheme",
            "show_photo": "scheme",
        },
    )
    assert saved.status_code == 302
    page = browser.get("/s/wiltshire/profile")
    from lets_platform.web.testing import csrf_token

    refused = browser.post(
        "/s/wiltshire/profile/photo",
        data={"csrf_token": csrf_token(page.text), "photo": (io.BytesIO(b"GIF89a...."), "x.gif")},
        content_type="multipart/form-data",
    )

    assert refused.status_code == 422 and 'id="photo-error"' in refused.text
    assert "Devizes" in browser.get("/s/wiltshire/members/alice").text


def test_an_event_in_the_past_is_refused_and_rsvp_works(two, browser):
    browser.sign_in(two.w.people["bob"])
    fields = {"title": "Swap", "location": "Hall", "description": "", "capacity": "1"}

    past = browser.submit("/s/wiltshire/events/new", {**fields, "starts_at": "2020-01-01T10:00"})
    made = browser.submit("/s/wiltshire/events/new", {**fields, "starts_at": "2999-01-01T10:00"})

    assert past.status_code == 422 and 'id="starts_at-error"' in past.text
    assert made.status_code == 302
    event = db.session.scalars(select(Event)).one()
    going = browser.submit(
        f"/s/wiltshire/events/{event.id}/rsvp",
        {"going": "yes"},
        form_page=f"/s/wiltshire/events/{event.id}",
    )
    assert going.status_code == 302
    assert "You are going." in browser.get(f"/s/wiltshire/events/{event.id}").text


def test_groups_page_makes_a_group(two, browser):
    browser.sign_in(two.w.people["bob"])

    made = browser.submit("/s/wiltshire/groups", {"name": "Beekeepers", "visibility": "open"})

    assert made.status_code == 302
    assert "Beekeepers" in browser.get("/s/wiltshire/groups").text


def test_the_moderation_queue_hides_a_reported_listing(two, browser):
    grant_role(
        two.w.people["olive"], "directory_editor", scheme_id=two.w.scheme.id, granted_by=None
    )
    browser.sign_in(two.b.people["carol"])
    reported = browser.submit(
        f"/s/wiltshire/report?subject=listing&id={two.w.honey['id']}", {"reason": "Spam"}
    )
    assert reported.status_code == 302
    other = type(browser)(browser.app)
    other.sign_in(two.w.people["olive"])
    queue = other.get("/s/wiltshire/directory/reports")
    assert "Spam" in queue.text
    report_id = queue.text.split("/s/wiltshire/directory/reports/")[1].split('"')[0]

    other.submit(
        f"/s/wiltshire/directory/reports/{report_id}",
        {"action": "hide", "note": "Sorry"},
        form_page="/s/wiltshire/directory/reports",
    )

    assert db.session.get_one(Listing, two.w.honey["id"]).status == "hidden"


def test_pages_need_a_sign_in(two, browser):
    assert browser.get("/s/wiltshire/directory").status_code == 302


def test_the_printable_directory_page_gives_the_file(two, browser):
    browser.sign_in(two.w.people["olive"])

    response = browser.submit("/s/wiltshire/directory/print", {"format": "csv"})

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "Honey <b>jars</b>" in response.data.decode("utf-8-sig")


def test_members_do_not_get_the_printable_directory(two, browser):
    browser.sign_in(two.w.people["bob"])

    assert browser.get("/s/wiltshire/directory/print").status_code == 403
