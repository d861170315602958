"""Joining a scheme in a real browser: a person reads the constitution, applies endorsing
it, the membership secretary approves, and the new member sees their first payment (the
membership fee, to the fees account); the constitution's pages at phone and desktop
widths."""

from __future__ import annotations

from datetime import timedelta

from lets_platform import clock
from lets_platform.db import db
from lets_platform.identity.operations import add_person, grant_role
from lets_platform.web.testing import no_horizontal_scroll, screenshot, sign_in_page
from lets_tenants.constitution.operations import change_by_committee
from lets_tenants.governance import ballots, meetings


def _wiltshire(scheme_with_members):
    world = scheme_with_members("wiltshire", handles=("alice", "bob"), constitution="wiltshire")
    grant_role(
        world.people["alice"], "membership_secretary", scheme_id=world.scheme.id, granted_by=None
    )
    grant_role(world.people["bob"], "secretary", scheme_id=world.scheme.id, granted_by=None)
    change_by_committee(world.scheme, {"fee_local": "2.00"}, actor=None, note="Fees for 2026")
    db.session.commit()
    return world


def _sign_out(page) -> None:
    page.context.clear_cookies()


def test_application_approval_and_the_new_members_first_payment(page, scheme_with_members):
    world = _wiltshire(scheme_with_members)
    nina = add_person("nina@example.org", "Nina New")
    alice = world.people["alice"]
    db.session.commit()

    sign_in_page(page, nina)
    page.goto("/s/wiltshire/join")
    page.get_by_role("link", name="the constitution (version 2)").click()
    assert page.get_by_role("heading", name="The rules the hub keeps").is_visible()
    page.go_back()
    page.get_by_label("Your name").fill("Nina New")
    page.get_by_label("Choose a handle").fill("nina")
    page.get_by_role("button", name="Apply to join").click()
    assert page.get_by_text("You join by endorsing the constitution").first.is_visible()
    page.get_by_label("I endorse the rules and version 2 of the constitution").check()
    screenshot(page, "constitution-join")
    page.get_by_role("button", name="Apply to join").click()
    assert page.get_by_text("waiting for the membership secretary").first.is_visible()

    _sign_out(page)
    sign_in_page(page, alice)
    page.goto("/s/wiltshire/admin/applications")
    screenshot(page, "constitution-applications")
    page.get_by_role("button", name="Approve Nina New").click()
    assert page.get_by_text("Nina New is a member now").is_visible()

    _sign_out(page)
    sign_in_page(page, nina)
    page.goto("/s/wiltshire/")
    assert page.get_by_text("Membership fee").first.is_visible()
    assert page.get_by_text("-2.00 Wiltshire units").first.is_visible()
    page.set_viewport_size({"width": 390, "height": 800})
    assert no_horizontal_scroll(page)
    screenshot(page, "constitution-first-payment")


def test_the_constitution_meeting_and_ballot_pages_fit_a_phone(page, scheme_with_members):
    world = _wiltshire(scheme_with_members)
    bob = world.people["bob"]
    meeting = meetings.schedule(
        world.scheme,
        kind="agm",
        title="Annual General Meeting",
        starts_at=clock.now() + timedelta(days=20),
        location="Devizes Town Hall",
        actor=bob,
    )
    meetings.add_item(world.scheme, meeting, title="The annual statement", actor=bob)
    ballot = ballots.open_vote(world.scheme, question="Hold a summer fair?", actor=bob)
    meeting_id, ballot_id = meeting.id, ballot.id
    db.session.commit()
    sign_in_page(page, bob)

    for path, name in (
        ("/s/wiltshire/constitution", "constitution-page"),
        ("/s/wiltshire/meetings", "constitution-meetings"),
        (f"/s/wiltshire/meetings/{meeting_id}", "constitution-meeting"),
        (f"/s/wiltshire/ballots/{ballot_id}", "constitution-ballot"),
        ("/s/wiltshire/egm-requests", "constitution-egm"),
        ("/s/wiltshire/claims", "constitution-claims"),
    ):
        page.goto(path)
        screenshot(page, name)
        page.set_viewport_size({"width": 390, "height": 800})
        assert no_horizontal_scroll(page), path
        page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/s/wiltshire/meetings")
    page.get_by_label("Annual general meeting").check()
    page.get_by_label("Starts at (UTC)").fill(
        (clock.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Schedule and give notice").click()
    assert page.get_by_text("needs 14 days' notice").first.is_visible()
    screenshot(page, "constitution-notice-refused")
    page.goto(f"/s/wiltshire/ballots/{ballot_id}")
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()
    assert page.get_by_text("Your vote is counted").is_visible()
