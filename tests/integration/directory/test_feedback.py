"""Feedback after a transfer: each party once on the other, editable for 14 days."""

from __future__ import annotations

import pytest

from lets_platform.testing import assert_problem


@pytest.fixture
def w(scheme_with_members):
    world = scheme_with_members(handles=("alice", "bob", "carl"))
    paid = world.as_["alice"].post(
        world.path + "/transfers", {"payer": "alice", "payee": "bob", "amount": "5.00"}
    )
    assert paid.status_code == 201, paid.json
    world.feedback = f"{world.path}/transfers/{paid.json['id']}/feedback"
    return world


def test_payer_and_payee_each_leave_feedback_once_and_the_profile_sums_it(w):
    first = w.as_["alice"].post(w.feedback, {"rating": "positive", "comment": "Lovely bread"})
    second = w.as_["bob"].post(w.feedback, {"rating": "neutral"})

    assert first.status_code == 201, first.json
    assert (first.json["author"], first.json["subject"]) == ("wiltshire/alice", "wiltshire/bob")
    assert second.status_code == 201
    assert_problem(w.as_["alice"].post(w.feedback, {"rating": "negative"}), 409, "feedback_exists")
    bob = w.as_["carl"].get(w.path + "/members/bob/profile").json
    assert bob["feedback"] == {"positive": 1, "neutral": 0, "negative": 0}


def test_only_the_parties_leave_feedback(w):
    assert_problem(
        w.as_["carl"].post(w.feedback, {"rating": "negative"}), 404, "transfer_not_found"
    )


def test_bad_feedback_is_refused_by_name(w):
    assert_problem(w.as_["alice"].post(w.feedback, {"rating": "great"}), 422, "rating_invalid")
    long = w.as_["alice"].post(w.feedback, {"rating": "positive", "comment": "x" * 1001})
    assert_problem(long, 422, "text_too_long")


def test_feedback_is_editable_for_fourteen_days(w, fake_clock):
    w.as_["alice"].post(w.feedback, {"rating": "neutral"})

    fake_clock.advance(days=13)
    assert w.as_["alice"].patch(w.feedback, {"rating": "positive"}).json["rating"] == "positive"
    fake_clock.advance(days=2)
    assert_problem(w.as_["alice"].patch(w.feedback, {"rating": "negative"}), 409, "feedback_closed")


def test_feedback_is_not_given_on_another_schemes_transfer(w, scheme_with_members):
    bright = scheme_with_members("bright", handles=("alice",), organiser="oscar")
    other = w.feedback.replace("/schemes/wiltshire/", "/schemes/bright/")

    assert_problem(
        bright.as_["alice"].post(other, {"rating": "positive"}), 404, "transfer_not_found"
    )
