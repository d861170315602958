"""The constitution's pages: they call the same operations as the API, refuse a broken
rule beside its field with its clause, and write nothing when they refuse."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lets_platform import clock
from lets_platform.db import db
from lets_platform.identity.operations import add_person, grant_role
from lets_platform.testing import db_state
from lets_tenants.accounts.operations import get_account, open_central_account
from lets_tenants.claims.models import Claim, Dispute
from lets_tenants.governance.models import EgmSignature, Meeting, Vote
from lets_tenants.joining.models import Application
from lets_tenants.membership.operations import membership_of


def test_the_constitution_page_shows_each_rule_with_its_clause_and_the_history(governed, browser):
    world = governed("bright", members=1)
    world.as_["chair"].post(
        f"{world.path}/constitution/committee-changes", {"changes": {"fee_local": "3.00"}}
    )
    browser.sign_in(world.people["m1"])

    page = browser.get("/s/bright/constitution")
    changed = browser.get("/s/bright/constitution/versions/2")

    assert page.status_code == 200
    assert "Members whose request calls an EGM" in page.text and "9.2" in page.text
    assert "two thirds majority vote of the membership" in page.text
    assert "Membership fee in local units" in changed.text and "3.00" in changed.text


def test_a_person_applies_endorsing_the_constitution_and_the_secretary_approves(
    governed, browser, balance
):
    world = governed("wiltshire", members=1)
    world.as_["chair"].post(
        f"{world.path}/constitution/committee-changes", {"changes": {"fee_local": "2.00"}}
    )
    nina = add_person("nina@example.org", "Nina New")
    db.session.commit()
    browser.sign_in(nina)

    unendorsed = browser.submit(
        "/s/wiltshire/join", {"display_name": "Nina New", "handle": "nina", "version": "2"}
    )
    applied = browser.submit(
        "/s/wiltshire/join",
        {"display_name": "Nina New", "handle": "nina", "version": "2", "endorse": "y"},
    )

    assert unendorsed.status_code == 422 and "endorsing the constitution" in unendorsed.text
    assert applied.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.state == "pending"
    browser.sign_in(world.people["olive"])
    approved = browser.submit(
        f"/s/wiltshire/admin/applications/{application.id}/approve",
        {},
        form_page="/s/wiltshire/admin/applications",
    )
    assert approved.status_code == 302
    assert membership_of(nina, world.scheme) is not None
    assert balance(world.scheme, "nina") == -200


def test_an_agm_with_too_little_notice_is_refused_beside_the_date(governed, browser):
    world = governed("wiltshire", members=1)
    browser.sign_in(world.people["sec"])
    soon = (clock.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    before = db_state()

    response = browser.submit("/s/wiltshire/meetings", {"kind": "agm", "starts_at": soon})

    assert response.status_code == 422
    assert "needs 14 days&#39; notice" in response.text and "clause 10(g)" in response.text
    assert db_state() == before


def test_a_meeting_is_held_minuted_and_a_member_votes_once_on_its_motion(
    governed, browser, fake_clock
):
    world = governed("wiltshire", members=1)
    browser.sign_in(world.people["sec"])
    later = (clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    browser.submit("/s/wiltshire/meetings", {"kind": "committee", "starts_at": later})
    meeting = db.session.scalar(select(Meeting))
    fake_clock.advance(days=1, minutes=5)
    path = f"/s/wiltshire/meetings/{meeting.id}"
    members = {
        m.handle: m.id
        for m in [membership_of(world.people[h], world.scheme) for h in ("chair", "sec", "tres")]
    }
    attendance = {f"attendance-presence_{i}": "present" for i in members.values()}
    browser.submit(path, {"action": "attendance", **attendance})
    browser.submit(path, {"action": "motion", "motion-question": "Print 200 directories"})
    browser.submit(path, {"action": "minutes", "minutes-minutes": "Agreed to print."})
    ballot_path = f"/s/wiltshire/ballots/{db.session.scalar(select(Vote.ballot_id)) or 1}"

    first = browser.submit(ballot_path, {"choice": "for"})
    again = browser.submit(ballot_path, {"choice": "against"})

    assert first.status_code == 302
    assert again.status_code == 422 and "voted on this already" in again.text
    assert db.session.scalar(select(db.func.count()).select_from(Vote)) == 1
    shown = browser.get(path).text
    assert "Agreed to print." in shown and "met: 3 of the committee" in shown
    listed = browser.get("/s/wiltshire/ballots").text
    assert "Print 200 directories" in listed and "more votes for than against" in listed


def test_members_sign_an_egm_request_on_its_page(governed, browser):
    world = governed("bright", members=2)
    browser.sign_in(world.people["m1"])
    browser.submit("/s/bright/egm-requests", {"purpose": "Discuss the fees"})
    browser.sign_in(world.people["m2"])
    request_id = db.session.scalar(select(EgmSignature.request_id))

    browser.submit("/s/bright/egm-requests", {"sign": str(request_id)})

    assert db.session.scalar(select(db.func.count()).select_from(EgmSignature)) == 2
    assert "2 of 4 signatures" in browser.get("/s/bright/egm-requests").text


def test_a_claim_is_submitted_approved_and_paid_on_the_claims_page(governed, browser, balance):
    world = governed("wiltshire", members=1)
    open_central_account(world.scheme, "admin", "Admin fund", min_balance="-100.00", actor=None)
    db.session.commit()
    from datetime import date

    world.as_["tres"].post(
        f"{world.path}/budgets",
        {
            "account": "admin",
            "purpose": "Newsletter",
            "amount": "20.00",
            "period_start": date.today().isoformat(),
            "period_end": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    browser.sign_in(world.people["m1"])
    budget = world.as_["m1"].get(f"{world.path}/budgets").json[0]["id"]
    browser.submit(
        "/s/wiltshire/claims",
        {"budget": str(budget), "kind": "wage", "amount": "5.00", "description": "Newsletter"},
    )
    claim = db.session.scalar(select(Claim))
    browser.sign_in(world.people["tres"])

    early = browser.submit("/s/wiltshire/claims", {"action": "pay", "claim": str(claim.id)})
    refused = browser.get("/s/wiltshire/claims").text
    browser.submit("/s/wiltshire/claims", {"action": "approve", "claim": str(claim.id)})
    browser.submit("/s/wiltshire/claims", {"action": "pay", "claim": str(claim.id)})

    assert early.status_code == 302 and "11(f)" in refused
    assert balance(world.scheme, "m1") == 500
    assert get_account(world.scheme, "admin").balance == -500


def test_a_member_raises_a_dispute_and_the_mediation_group_resolves_it(governed, browser):
    world = governed("wiltshire", members=2)
    grant_role(world.people["cm"], "mediator", scheme_id=world.scheme.id, granted_by=None)
    db.session.commit()
    browser.sign_in(world.people["m1"])
    browser.submit(
        "/s/wiltshire/disputes", {"raise-against": "m2", "raise-description": "Eggs never came"}
    )
    dispute = db.session.scalar(select(Dispute))
    browser.sign_in(world.people["cm"])

    browser.submit(
        "/s/wiltshire/disputes",
        {
            "action": "handle",
            "dispute": str(dispute.id),
            "handle-state": "resolved",
            "handle-note": "Met both",
            "handle-outcome": "Refund of 4.00",
        },
    )

    db.session.refresh(dispute)
    assert (dispute.state, dispute.outcome) == ("resolved", "Refund of 4.00")


def test_the_dashboard_shows_the_membership_open_ballots_and_renews_a_lapsed_member(
    governed, browser, fake_clock
):
    from lets_tenants.joining.operations import sweep_renewals

    world = governed("wiltshire", members=1)
    world.as_["chair"].post(
        f"{world.path}/constitution/committee-changes", {"changes": {"fee_local": "1.00"}}
    )
    world.as_["m1"].post(f"{world.path}/members/m1/renewal")
    world.as_["sec"].post(f"{world.path}/ballots", {"question": "Hold a summer fair?"})
    fake_clock.advance(days=400)
    sweep_renewals()
    db.session.commit()
    browser.sign_in(world.people["m1"])

    page = browser.get("/s/wiltshire/").text
    renewed = browser.submit("/s/wiltshire/renew", {}, form_page="/s/wiltshire/")

    assert "Your membership has lapsed" in page and "Hold a summer fair?" in page
    assert renewed.status_code == 302
    assert "Renewed until" in browser.get("/s/wiltshire/").text
