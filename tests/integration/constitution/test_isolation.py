"""Another scheme's meetings, ballots, requests, applications, fees, terminations,
budgets, claims and disputes are "not found" from this scheme, even for the national
administrator, and nothing is written (``test_isolation.SWEPT_ELSEWHERE`` points here)."""

from __future__ import annotations

from datetime import date, timedelta

from lets_platform import clock
from lets_platform.db import db
from lets_platform.identity.operations import add_person
from lets_platform.testing import db_state
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.claims import disputes
from lets_tenants.claims import operations as claims
from lets_tenants.governance import ballots, egm, meetings
from lets_tenants.joining import operations as joining
from lets_tenants.joining import termination as terminations
from lets_tenants.membership.operations import get_member


def _bright_rows(world) -> dict[str, int]:
    scheme = world.scheme
    person = get_member(scheme, "m1").person
    meeting = meetings.schedule(
        scheme, kind="agm", title="AGM", starts_at=clock.now() + timedelta(days=20), actor=None
    )
    ballot = ballots.open_vote(scheme, question="Picnic?", actor=None)
    request = egm.open_request(scheme, purpose="Fees", actor=person)
    applicant = add_person("newcomer@example.org", "Newcomer")
    application = joining.apply(
        scheme, person=applicant, handle="newcomer", display_name="Newcomer", endorse_version=1
    )
    open_central_account(scheme, "bright-fund", "Fund", min_balance="-50.00", actor=None)
    budget = claims.create_budget(
        scheme,
        account="bright-fund",
        purpose="Admin",
        amount="10.00",
        period_start=date.today(),
        period_end=date.today() + timedelta(days=30),
        actor=None,
    )
    claim = claims.submit(
        scheme, budget=budget.id, kind="wage", amount="1.00", description="Work", actor=person
    )
    dispute = disputes.raise_dispute(scheme, description="Eggs", against="m2", actor=person)
    termination = terminations.terminate(scheme, "m2", reason="Breach", actor=None)
    db.session.commit()
    return {
        "meeting": meeting.id,
        "ballot": ballot.id,
        "request": request.id,
        "application": application.id,
        "budget": budget.id,
        "claim": claim.id,
        "dispute": dispute.id,
        "termination": termination.id,
    }


def test_another_schemes_governance_ids_are_not_found(governed, scheme_with_members):
    wiltshire = governed("wiltshire", members=2)
    bright = scheme_with_members("bright", handles=("m1", "m2"), constitution="bright")
    b = _bright_rows(bright)
    own = (
        wiltshire.as_["sec"]
        .post(
            "/schemes/wiltshire/meetings",
            {"kind": "committee", "starts_at": (clock.now() + timedelta(days=1)).isoformat()},
        )
        .json
    )
    soon = (clock.now() + timedelta(days=20)).isoformat()
    probes = [
        ("GET", f"/meetings/{b['meeting']}", None, "meeting_not_found"),
        ("POST", f"/meetings/{b['meeting']}/agenda", {"title": "x"}, "meeting_not_found"),
        ("PUT", f"/meetings/{b['meeting']}/attendance", {"entries": []}, "meeting_not_found"),
        (
            "PUT",
            f"/meetings/{own['id']}/attendance",
            {"entries": [{"handle": "m2x", "presence": "present"}]},
            "member_not_found",
        ),
        ("POST", f"/meetings/{b['meeting']}/minutes", {"minutes": "x"}, "meeting_not_found"),
        (
            "POST",
            "/meetings",
            {"kind": "egm", "starts_at": soon, "reconvenes": b["meeting"]},
            "meeting_not_found",
        ),
        (
            "POST",
            "/meetings",
            {"kind": "egm", "starts_at": soon, "egm_request": b["request"]},
            "egm_request_not_found",
        ),
        ("POST", "/ballots", {"question": "x", "meeting": b["meeting"]}, "meeting_not_found"),
        ("GET", f"/ballots/{b['ballot']}", None, "ballot_not_found"),
        ("POST", f"/ballots/{b['ballot']}/votes", {"choice": "for"}, "ballot_not_found"),
        ("POST", f"/ballots/{b['ballot']}/close", None, "ballot_not_found"),
        ("POST", f"/ballots/{b['ballot']}/consultation", {"consultation": "x"}, "ballot_not_found"),
        ("POST", f"/egm-requests/{b['request']}/signatures", None, "egm_request_not_found"),
        ("POST", f"/applications/{b['application']}/approve", None, "application_not_found"),
        ("POST", f"/applications/{b['application']}/reject", {}, "application_not_found"),
        ("GET", "/members/newcomer/standing", None, "member_not_found"),
        ("POST", "/members/newcomer/renewal", None, "member_not_found"),
        ("POST", "/members/newcomer/termination", {"reason": "x"}, "member_not_found"),
        (
            "POST",
            f"/terminations/{b['termination']}/appeal",
            {"appeal": "x"},
            "termination_not_found",
        ),
        (
            "POST",
            f"/terminations/{b['termination']}/decision",
            {"outcome": "upheld"},
            "termination_not_found",
        ),
        ("POST", "/fees/1/paid", None, "fee_not_found"),
        (
            "POST",
            "/budgets",
            {
                "account": "bright-fund",
                "purpose": "x",
                "amount": "1.00",
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
            },
            "account_not_found",
        ),
        (
            "POST",
            "/claims",
            {"budget": b["budget"], "amount": "1.00", "description": "x"},
            "budget_not_found",
        ),
        ("POST", f"/claims/{b['claim']}/approve", None, "claim_not_found"),
        ("POST", f"/claims/{b['claim']}/reject", None, "claim_not_found"),
        ("POST", f"/claims/{b['claim']}/pay", None, "claim_not_found"),
        ("POST", "/disputes", {"description": "x", "against": "newcomer"}, "member_not_found"),
        (
            "POST",
            f"/disputes/{b['dispute']}/handling",
            {"state": "open", "note": "x"},
            "dispute_not_found",
        ),
        ("GET", "/constitution/versions/2", None, "constitution_not_found"),
    ]
    national = wiltshire.as_["nadia"]
    wrong = []
    for method, path, body, code in probes:
        before = db_state()
        response = national.call(
            method, "/schemes/wiltshire" + path, json=body, headers=national._headers(None)
        )
        got = (response.status_code, (response.get_json(silent=True) or {}).get("code"))
        if got != (404, code) or db_state() != before:
            wrong.append((method, path, got))
    assert wrong == [], wrong
    assert {m["id"] for m in national.get("/schemes/wiltshire/meetings").json} == {own["id"]}
    assert national.get("/schemes/wiltshire/ballots").json == []
    assert national.get("/schemes/wiltshire/claims").json == []
    assert national.get("/schemes/wiltshire/disputes").json == []
