"""Reports and their resolution: to the scheme's moderators only, each act audited, the
author told when an item is hidden, and no report on another scheme's item."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.identity.operations import grant_role
from lets_platform.mail import read_outbox
from lets_platform.testing import assert_problem


@pytest.fixture
def w(scheme_with_members, create_member, token_for, api):
    world = scheme_with_members()
    edna = create_member(world.scheme, "edna")
    grant_role(edna, "directory_editor", scheme_id=world.scheme.id, granted_by=None)
    db.session.commit()
    world.as_["edna"] = api.as_(token_for(edna))
    world.listing = (
        world.as_["alice"]
        .post(
            world.path + "/listings",
            {
                "kind": "offer",
                "title": "Miracle cures",
                "category": "other",
                "visibility": "federation",
            },
        )
        .json
    )
    return world


def _report(client, path, **body):
    return client.post(path + "/reports", {"subject": "listing", "reason": "Spam", **body})


def test_a_report_reaches_the_queue_and_hiding_tells_the_author(w, run_jobs):
    from lets_tenants.moderation.tasks import tell_author, tell_moderators

    made = _report(w.as_["bob"], w.path, id=w.listing["id"])
    assert made.status_code == 201, made.json
    run_jobs(tell_moderators)
    assert "edna@wiltshire.test" in [m["To"] for m in read_outbox()]

    queue = w.as_["edna"].get(w.path + "/reports").json
    assert [(r["subject"], r["subject_id"], r["reason"]) for r in queue] == [
        ("listing", w.listing["id"], "Spam")
    ]
    resolved = w.as_["edna"].post(
        f"{w.path}/reports/{made.json['id']}/resolve",
        {"action": "hide", "note": "Not a LETS offer"},
    )
    run_jobs(tell_author)

    assert resolved.json["state"] == "hidden"
    assert w.as_["alice"].get(f"{w.path}/listings/{w.listing['id']}").json["status"] == "hidden"
    assert_problem(
        w.as_["bob"].get(f"{w.path}/listings/{w.listing['id']}"), 404, "listing_not_found"
    )
    to_alice = [m for m in read_outbox() if m["To"] == "alice@wiltshire.test"]
    assert "has been hidden" in to_alice[0]["Subject"]
    assert "Not a LETS offer" in to_alice[0].get_content()
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("report.")] == ["report.made", "report.hide"]


def test_dismissing_leaves_the_item_and_a_resolved_report_stays_resolved(w):
    made = _report(w.as_["bob"], w.path, id=w.listing["id"]).json
    path = f"{w.path}/reports/{made['id']}/resolve"

    assert w.as_["olive"].post(path, {"action": "dismiss"}).json["state"] == "dismissed"
    assert_problem(w.as_["olive"].post(path, {"action": "hide"}), 409, "report_closed")
    assert w.as_["bob"].get(f"{w.path}/listings/{w.listing['id']}").json["status"] == "active"


def test_members_do_not_see_the_queue(w):
    assert_problem(w.as_["bob"].get(w.path + "/reports"), 403, "not_permitted")


def test_a_report_on_another_schemes_item_is_refused(w, scheme_with_members):
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")

    refused = _report(bright.as_["carol"], "/schemes/bright", id=w.listing["id"])

    problem = assert_problem(refused, 422, "report_subject_not_found")
    assert "id" in problem["errors"]


def test_an_outsider_reports_a_federation_listing_to_its_scheme(w, scheme_with_members):
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")

    assert _report(bright.as_["carol"], w.path, id=w.listing["id"]).status_code == 201


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"subject": "member", "id": 1}, "report_subject_invalid"),
        ({"id": 999999}, "report_subject_not_found"),
        ({"reason": ""}, "text_missing"),
        ({"reason": "x" * 1001}, "text_too_long"),
    ],
)
def test_bad_reports_are_refused_by_name(w, body, code):
    assert_problem(_report(w.as_["bob"], w.path, **{"id": w.listing["id"], **body}), 422, code)


def test_a_profile_and_a_message_can_be_reported_and_hidden(w):
    w.as_["alice"].patch(w.path + "/members/alice/profile", {"about": "Buy my cures"})
    sent = w.as_["alice"].post("/messages", {"to": "wiltshire/bob", "body": "Buy!"}).json
    profile = _report(w.as_["bob"], w.path, subject="profile", id="alice").json
    message = _report(w.as_["bob"], w.path, subject="message", id=sent["id"]).json

    for made in (profile, message):
        w.as_["edna"].post(f"{w.path}/reports/{made['id']}/resolve", {"action": "hide"})

    assert w.as_["bob"].get(w.path + "/members/alice/profile").json["about"] is None
    assert w.as_["bob"].get("/messages").json["items"] == []


def test_contacting_the_author_keeps_the_report_open_and_mails_them(w, run_jobs):
    from lets_tenants.moderation.tasks import tell_author

    made = _report(w.as_["bob"], w.path, id=w.listing["id"]).json
    contacted = w.as_["edna"].post(
        f"{w.path}/reports/{made['id']}/resolve",
        {"action": "contact", "note": "Please give the price in WES units"},
    )
    run_jobs(tell_author)

    assert contacted.json["state"] == "open"
    mail = [m for m in read_outbox() if m["To"] == "alice@wiltshire.test"][0]
    assert "Please give the price in WES units" in mail.get_content()
    refused = w.as_["edna"].post(f"{w.path}/reports/{made['id']}/resolve", {"action": "contact"})
    assert_problem(refused, 422, "text_missing")
