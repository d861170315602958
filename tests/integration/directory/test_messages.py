"""Messages between members, across schemes; email notice; blocks; the rate limit."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lets_platform.mail import read_outbox
from lets_platform.testing import assert_problem


@pytest.fixture
def two(scheme_with_members) -> SimpleNamespace:
    wilts = scheme_with_members("wiltshire")
    bright = scheme_with_members("bright", handles=("carol",), organiser="oscar")
    return SimpleNamespace(w=wilts, b=bright)


def test_a_member_of_another_scheme_messages_the_owner_of_a_listing(two):
    listing = (
        two.w.as_["alice"]
        .post(
            "/schemes/wiltshire/listings",
            {"kind": "offer", "title": "Honey", "category": "other", "visibility": "federation"},
        )
        .json
    )
    carol = two.b.as_["carol"]

    sent = carol.post(
        "/messages",
        {
            "to": "wiltshire/alice",
            "subject": "Honey",
            "body": "Two jars?",
            "listing": listing["id"],
        },
    )

    assert sent.status_code == 201, sent.json
    assert (sent.json["from"], sent.json["to"], sent.json["listing"]) == (
        "bright/carol",
        "wiltshire/alice",
        listing["id"],
    )
    inbox = two.w.as_["alice"].get("/messages", **{"with": "bright/carol"}).json["items"]
    assert [(m["from"], m["body"]) for m in inbox] == [("bright/carol", "Two jars?")]
    assert inbox[0]["read_at"] is not None  # reading the conversation marks it read


def test_the_recipient_is_told_by_email(two, run_jobs):
    from lets_tenants.messages.tasks import notify_recipient

    two.b.as_["carol"].post("/messages", {"to": "wiltshire/alice", "body": "Hello <b>there</b>"})
    run_jobs(notify_recipient)

    mails = read_outbox()
    assert [m["To"] for m in mails] == ["alice@wiltshire.test"]
    assert "Carol (bright/carol)" in mails[0].get_content()
    assert "Hello <b>there</b>" in mails[0].get_content()  # plain text, as written


def test_nobody_else_reads_a_conversation(two):
    two.b.as_["carol"].post("/messages", {"to": "wiltshire/alice", "body": "Private"})

    assert two.w.as_["bob"].get("/messages").json["items"] == []
    assert two.w.as_["bob"].get("/messages", **{"with": "bright/carol"}).json["items"] == []


def test_a_blocked_member_cannot_send(two):
    assert two.w.as_["alice"].post("/blocks", {"member": "bright/carol"}).status_code == 201

    refused = two.b.as_["carol"].post("/messages", {"to": "wiltshire/alice", "body": "Hi"})

    assert_problem(refused, 403, "blocked")
    assert two.w.as_["alice"].get("/blocks").json[0]["member"] == "bright/carol"
    assert two.w.as_["alice"].delete("/blocks/bright/carol").status_code == 204
    assert (
        two.b.as_["carol"].post("/messages", {"to": "wiltshire/alice", "body": "Hi"}).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"to": "alice", "body": "x"}, 422, "member_address_invalid"),
        ({"to": "wiltshire/nobody", "body": "x"}, 404, "recipient_not_found"),
        ({"to": "bright/carol", "body": "   "}, 422, "text_missing"),
        ({"to": "bright/carol", "body": "x" * 4001}, 422, "text_too_long"),
        ({"to": "bright/carol", "body": "x", "subject": "s" * 121}, 422, "text_too_long"),
        ({"to": "wiltshire/alice", "body": "x"}, 422, "message_to_self"),
        ({"to": "bright/carol", "body": "x", "listing": 999999}, 404, "listing_not_found"),
        ({"to": "bright/carol", "body": "x", "from": "wiltshire/bob"}, 403, "no_membership"),
    ],
)
def test_bad_messages_are_refused_by_name(two, body, status, code):
    assert_problem(two.w.as_["alice"].post("/messages", body), status, code)


def test_a_scheme_only_listing_cannot_be_named_from_outside(two):
    listing = (
        two.w.as_["alice"]
        .post(
            "/schemes/wiltshire/listings", {"kind": "offer", "title": "Eggs", "category": "other"}
        )
        .json
    )

    refused = two.b.as_["carol"].post(
        "/messages", {"to": "wiltshire/alice", "body": "x", "listing": listing["id"]}
    )

    assert_problem(refused, 404, "listing_not_found")


def test_a_sender_is_limited_per_hour(two, app, monkeypatch):
    monkeypatch.setitem(app.config, "LETS_MESSAGES_PER_HOUR", 3)
    carol = two.b.as_["carol"]
    for n in range(3):
        assert carol.post("/messages", {"to": "wiltshire/alice", "body": f"{n}"}).status_code == 201

    assert_problem(
        carol.post("/messages", {"to": "wiltshire/bob", "body": "4"}), 429, "too_many_messages"
    )


def test_messages_are_limited_per_client_address_too(two, ctx, monkeypatch):
    import uuid

    monkeypatch.setitem(ctx.config, "LETS_RATE_LIMITS_ENABLED", True)
    monkeypatch.setitem(ctx.config, "LETS_RATE_LIMIT_MESSAGES", "2 per minute")
    carol = two.b.as_["carol"]
    address = "2001:db8::" + uuid.uuid4().hex[:4]
    carol.client.environ_base["REMOTE_ADDR"] = address
    try:
        sent = [
            carol.post("/messages", {"to": "wiltshire/alice", "body": f"{n}"}).status_code
            for n in range(3)
        ]
    finally:
        carol.client.environ_base.pop("REMOTE_ADDR", None)

    assert sent == [201, 201, 429]
