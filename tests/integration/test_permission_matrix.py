"""Every role against every API operation: allowed or refused exactly as the matrix says.

The matrix is ``lets_platform.permissions.MATRIX`` and is written out in docs/PERMISSIONS.md;
this file also keeps that page equal to the code.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from lets_platform.db import db
from lets_platform.identity.operations import add_person, grant_role, issue_token
from lets_platform.permissions import MATRIX, REGIONAL_ORGANISER, SCHEME_ROLES, matrix_markdown
from lets_platform.tenancy.operations import provision_scheme
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.invoices.operations import send_invoice
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.operations import add_member

S = "/schemes/wiltshire"
ACTORS = [*SCHEME_ROLES, REGIONAL_ORGANISER, "national_admin", "outsider"]


def _new_invoice(world: dict[str, Any]) -> str:
    invoice = send_invoice(
        world["scheme"], sender="alice", payer="bob", amount="1.00", memo="", actor=None
    )
    db.session.commit()
    return str(invoice.id)


def _exeter() -> str:
    """A second scheme (Exeter, with bob) to trade with across the federation."""
    from lets_platform.tenancy.operations import SchemeNotFound, get_scheme

    try:
        get_scheme("exeter")
    except SchemeNotFound:
        exeter = provision_scheme(
            slug="exeter", name="Exeter", currency_code="EXE", currency_name="Exes"
        )
        add_member(exeter, email="bob@exeter.test", display_name="Bob", handle="bob", actor=None)
        db.session.commit()
    return "exeter"


def _winding_up(world: dict[str, Any]) -> None:
    """Wind Wiltshire up (the wind-up operations come last: no one joins it after this)."""
    from lets_federation.windup.operations import decide

    if world["scheme"].status == "winding_up":
        return
    decide(
        world["scheme"],
        votes_for=2,
        votes_against=1,
        deadline=date.today() + timedelta(days=30),
        actor=None,
    )
    db.session.commit()


def _wind_up_ballot(world: dict[str, Any]) -> dict[str, Any]:
    deadline = (date.today() + timedelta(days=30)).isoformat()
    return {"votes_for": 2, "votes_against": 1, "deadline": deadline}


def _new_trade() -> str:
    from lets_federation.trades.operations import create_trade

    trade = create_trade(
        None, payer="wiltshire/alice", payee=f"{_exeter()}/bob", amount="1.00", currency="payer"
    )
    db.session.commit()
    return str(trade.id)


def _general_meeting(world: dict[str, Any]) -> int:
    from lets_platform import clock
    from lets_tenants.governance.meetings import schedule

    meeting = schedule(
        world["scheme"],
        kind="agm",
        title="AGM",
        starts_at=clock.now() + timedelta(days=20),
        actor=None,
    )
    db.session.commit()
    return meeting.id


def _open_ballot(world: dict[str, Any]) -> int:
    from lets_tenants.governance.ballots import open_vote

    ballot = open_vote(world["scheme"], question="Picnic?", actor=None)
    db.session.commit()
    return ballot.id


def _egm_request(world: dict[str, Any]) -> int:
    from lets_tenants.governance.egm import open_request
    from lets_tenants.membership.operations import get_member

    alice = get_member(world["scheme"], "alice").person
    request = open_request(world["scheme"], purpose="Discuss the fees", actor=alice)
    db.session.commit()
    return request.id


def _application(world: dict[str, Any]) -> int:
    from lets_tenants.constitution.operations import current
    from lets_tenants.joining.operations import apply

    handle = f"n{uuid.uuid4().hex[:8]}"
    person = add_person(f"{handle}@example.org", "Newcomer")
    application = apply(
        world["scheme"],
        person=person,
        handle=handle,
        display_name="Newcomer",
        endorse_version=current(world["scheme"]).number,
    )
    db.session.commit()
    return application.id


def _new_member(world: dict[str, Any]) -> str:
    handle = f"n{uuid.uuid4().hex[:8]}"
    add_member(
        world["scheme"], email=f"{handle}@example.org", display_name="N", handle=handle, actor=None
    )
    db.session.commit()
    return handle


def _appealed_termination(world: dict[str, Any]) -> int:
    from lets_tenants.joining.termination import appeal, terminate
    from lets_tenants.membership.operations import get_member

    handle = _new_member(world)
    termination = terminate(world["scheme"], handle, reason="Serious breach", actor=None)
    appeal(
        world["scheme"],
        termination,
        text="Not so",
        actor=get_member(world["scheme"], handle).person,
    )
    db.session.commit()
    return termination.id


def _budget(world: dict[str, Any]) -> int:
    from lets_tenants.claims.operations import create_budget

    today = date.today()
    budget = create_budget(
        world["scheme"],
        account="fund",
        purpose="Admin",
        amount="50.00",
        period_start=today - timedelta(days=1),
        period_end=today + timedelta(days=300),
        actor=None,
    )
    db.session.commit()
    return budget.id


def _claim(world: dict[str, Any]) -> int:
    from lets_tenants.claims.operations import submit
    from lets_tenants.membership.operations import get_member

    claim = submit(
        world["scheme"],
        budget=_budget(world),
        kind="wage",
        amount="1.00",
        description="Newsletter",
        actor=get_member(world["scheme"], "alice").person,
    )
    db.session.commit()
    return claim.id


def _dispute(world: dict[str, Any]) -> int:
    from lets_tenants.claims.disputes import raise_dispute
    from lets_tenants.membership.operations import get_member

    dispute = raise_dispute(
        world["scheme"],
        description="Eggs never came",
        against="bob",
        actor=get_member(world["scheme"], "alice").person,
    )
    db.session.commit()
    return dispute.id


#: action -> how to exercise it: (method, path, body), built from the world
OPERATIONS: dict[str, Callable[[dict[str, Any]], tuple[str, str, Any]]] = {
    "scheme.provision": lambda w: (
        "POST",
        "/schemes",
        {
            "slug": f"s-{uuid.uuid4().hex[:8]}",
            "name": "New",
            "currency": {"code": "NEW", "name": "News"},
        },
    ),
    "scheme.read": lambda w: ("GET", f"{S}/accounts/actor", None),
    "members.list": lambda w: ("GET", f"{S}/members", None),
    "members.add": lambda w: (
        "POST",
        f"{S}/members",
        {
            "email": f"{uuid.uuid4().hex[:8]}@example.org",
            "display_name": "New",
            "handle": f"n{uuid.uuid4().hex[:8]}",
        },
    ),
    "roles.read": lambda w: ("GET", f"{S}/roles", None),
    "roles.grant": lambda w: ("POST", f"{S}/members/alice/roles", {"role": "mediator"}),
    "accounts.read_any": lambda w: ("GET", f"{S}/accounts/alice/statement", None),
    "accounts.open_central": lambda w: (
        "POST",
        f"{S}/accounts",
        {"name": f"fund-{uuid.uuid4().hex[:6]}", "title": "A fund"},
    ),
    "accounts.manage": lambda w: ("PATCH", f"{S}/accounts/alice", {"min_balance": "-60.00"}),
    "accounts.pay_central": lambda w: (
        "POST",
        f"{S}/transfers",
        {"payer": "fund", "payee": "alice", "amount": "1.00"},
    ),
    "transfers.pay_own": lambda w: (
        "POST",
        f"{S}/transfers",
        {"payer": "actor", "payee": "alice", "amount": "1.00"},
    ),
    "transfers.enter_on_behalf": lambda w: (
        "POST",
        f"{S}/transfers",
        {"payer": "alice", "payee": "bob", "amount": "1.00"},
    ),
    "transfers.correct": lambda w: (
        "POST",
        f"{S}/transfers/{w['transfer']}/correct",
        {"amount": "0.01"},
    ),
    "transfers.read_all": lambda w: ("GET", f"{S}/transfers/{w['transfer']}", None),
    "invoices.send_own": lambda w: (
        "POST",
        f"{S}/invoices",
        {"payee": "actor", "payer": "alice", "amount": "2.00"},
    ),
    "invoices.act_on_behalf": lambda w: ("POST", f"{S}/invoices/{_new_invoice(w)}/decline", None),
    "audit.read": lambda w: ("GET", f"{S}/audit", None),
    "hub.audit.read": lambda w: ("GET", "/audit", None),
    "federation.clearing.read": lambda w: (
        "GET",
        "/federation/clearing-runs?scheme=wiltshire",
        None,
    ),
    "federation.clearing.run": lambda w: ("POST", "/federation/clearing-runs", {}),
    "federation.trade_own": lambda w: (
        "POST",
        "/federation/trades",
        {"payer": "wiltshire/actor", "payee": f"{_exeter()}/bob", "amount": "1.00"},
    ),
    "federation.trade_on_behalf": lambda w: (
        "POST",
        "/federation/trades",
        {"payer": "wiltshire/alice", "payee": f"{_exeter()}/bob", "amount": "1.00"},
    ),
    "federation.read_all": lambda w: ("GET", f"/federation/trades/{_new_trade()}", None),
    "federation.manage": lambda w: ("PUT", "/federation/rates/wiltshire", {"rate": "10"}),
    "oauth.clients.manage": lambda w: (
        "POST",
        "/oauth/clients",
        {"name": "Site", "scheme": "wiltshire", "redirect_uris": ["https://site.example/cb"]},
    ),
    "imports.run": lambda w: (
        "POST",
        f"{S}/imports",
        {"accounts": "handle,display_name,email,balance\nnew,N,n@example.org,0\n", "dry_run": True},
    ),
    "pools.manage": lambda w: ("POST", "/pools", {"network": "south-west"}),
    "directory.read": lambda w: ("GET", f"{S}/categories", None),
    "directory.list_own": lambda w: (
        "POST",
        f"{S}/listings",
        {"kind": "offer", "title": "Eggs", "category": "other", "owner": "actor"},
    ),
    "directory.edit_any": lambda w: (
        "POST",
        f"{S}/listings",
        {"kind": "offer", "title": "Eggs", "category": "other", "owner": "alice"},
    ),
    "directory.moderate": lambda w: ("GET", f"{S}/reports", None),
    "directory.print": lambda w: ("GET", f"{S}/directory?format=csv", None),
    "directory.categories": lambda w: (
        "POST",
        f"{S}/categories",
        {"name": f"c-{uuid.uuid4().hex[:8]}"},
    ),
    "constitution.change": lambda w: (
        "POST",
        f"{S}/constitution/committee-changes",
        {"changes": {"fee_local": f"{uuid.uuid4().int % 50}.01"}},
    ),
    "meetings.read": lambda w: ("GET", f"{S}/meetings", None),
    "meetings.manage": lambda w: (
        "POST",
        f"{S}/meetings",
        {
            "kind": "committee",
            "starts_at": (date.today() + timedelta(days=2)).isoformat() + "T19:00:00+00:00",
        },
    ),
    "meetings.submit_item": lambda w: (
        "POST",
        f"{S}/meetings/{_general_meeting(w)}/agenda",
        {"title": "Fees"},
    ),
    "ballots.vote": lambda w: ("POST", f"{S}/ballots/{_open_ballot(w)}/votes", {"choice": "for"}),
    "egm.sign": lambda w: ("POST", f"{S}/egm-requests/{_egm_request(w)}/signatures", {}),
    "applications.decide": lambda w: (
        "POST",
        f"{S}/applications/{_application(w)}/approve",
        {},
    ),
    "fees.record": lambda w: ("GET", f"{S}/fees", None),
    "members.terminate": lambda w: (
        "POST",
        f"{S}/members/{_new_member(w)}/termination",
        {"reason": "Serious breach"},
    ),
    "budgets.manage": lambda w: (
        "POST",
        f"{S}/budgets",
        {
            "account": "fund",
            "purpose": "Admin",
            "amount": "10.00",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
    ),
    "claims.submit": lambda w: (
        "POST",
        f"{S}/claims",
        {"budget": _budget(w), "amount": "1.00", "description": "Newsletter"},
    ),
    "claims.approve": lambda w: ("POST", f"{S}/claims/{_claim(w)}/approve", {}),
    "statements.annual": lambda w: ("GET", f"{S}/annual-statement?year=2026", None),
    "disputes.raise": lambda w: (
        "POST",
        f"{S}/disputes",
        {"description": "Slow to pay", "against": "alice"},
    ),
    "disputes.handle": lambda w: (
        "POST",
        f"{S}/disputes/{_dispute(w)}/handling",
        {"state": "in_mediation", "note": "Spoke to both"},
    ),
    "appeals.decide": lambda w: (
        "POST",
        f"{S}/terminations/{_appealed_termination(w)}/decision",
        {"outcome": "upheld", "note": "The breach stands"},
    ),
    "windup.decide": lambda w: ("POST", f"{S}/wind-up", _wind_up_ballot(w)),
    "windup.read": lambda w: (_winding_up(w), ("GET", f"{S}/wind-up", None))[1],
    "windup.choose_own": lambda w: (
        _winding_up(w),
        ("POST", f"{S}/wind-up/choices", {"member": "actor", "destination": "pool"}),
    )[1],
    "windup.choose_on_behalf": lambda w: (
        _winding_up(w),
        ("POST", f"{S}/wind-up/choices", {"member": "alice", "destination": "pool"}),
    )[1],
}


def test_every_action_in_the_matrix_is_exercised():
    assert set(OPERATIONS) == set(MATRIX)


def test_the_written_matrix_is_the_code():
    page = (Path(__file__).parents[2] / "docs" / "PERMISSIONS.md").read_text()
    written = re.search(r"<!-- matrix:start -->\n(.*?)\n<!-- matrix:end -->", page, re.S)
    assert written is not None
    assert written.group(1) == matrix_markdown()


def _world(actor: str) -> dict[str, Any]:
    """Wiltshire in the south-west with alice, bob, a fund and the actor holding one role."""
    scheme = provision_scheme(
        slug="wiltshire",
        name="Wiltshire",
        network="south-west",
        currency_code="WES",
        currency_name="WES units",
        default_min_balance="-100.00",
    )
    for handle in ("alice", "bob"):
        add_member(
            scheme, email=f"{handle}@example.org", display_name=handle, handle=handle, actor=None
        )
    open_central_account(scheme, "fund", "A fund", min_balance="-100.00", actor=None)
    moved = transfer(scheme, payer="alice", payee="bob", amount="5.00", entered_by=None)
    person = add_person("actor@example.org", "The Actor", admin=actor == "national_admin")
    if actor in SCHEME_ROLES:
        membership = add_member(
            scheme, email=person.email, display_name="Actor", handle="actor", actor=None
        )
        grant_role(membership.person, actor, scheme_id=scheme.id, granted_by=None)
    else:  # the account "actor" belongs to somebody else
        add_member(scheme, email="other@example.org", display_name="O", handle="actor", actor=None)
    if actor == REGIONAL_ORGANISER:
        grant_role(person, actor, scheme_id=None, network_id=scheme.network_id, granted_by=None)
    if actor == "outsider":  # an organiser, but of another scheme
        bright = provision_scheme(
            slug="bright", name="Bright", currency_code="LNK", currency_name="Links"
        )
        add_member(bright, email=person.email, display_name="Actor", handle="actor", actor=None)
        grant_role(person, "organiser", scheme_id=bright.id, granted_by=None)
    token = issue_token(person)
    db.session.commit()
    return {"scheme": scheme, "transfer": str(moved.transfer.id), "token": token}


#: Reading or deciding on another member's transfer or invoice is refused as "not found"
#: inside the scheme, so that a member learns nothing of others' trades.
HIDDEN = {
    "transfers.read_all": "transfer_not_found",
    "invoices.act_on_behalf": "invoice_not_found",
    "federation.read_all": "trade_not_found",
}


#: What only a member of the scheme does: the national administrator, who holds no
#: membership, is refused by name (one member, one vote).
MEMBERS_ONLY = {
    "ballots.vote": "no_vote",
    "egm.sign": "no_vote",
    "claims.submit": "not_a_member",
    "disputes.raise": "not_a_member",
}


def _refused(action: str, response: Any) -> bool:
    code = response.json.get("code")
    if response.status_code == 404 and code == HIDDEN.get(action):
        return True
    return response.status_code == 403 and code == "not_permitted"


def _allowed(actor: str, action: str) -> bool:
    return actor == "national_admin" or actor in MATRIX[action]


@pytest.mark.parametrize("actor", ACTORS)
def test_each_role_may_do_exactly_what_the_matrix_says(ctx, api, actor):
    world = _world(actor)
    as_actor = api.as_(world["token"])
    wrong = []
    for action, operation in OPERATIONS.items():
        method, path, body = operation(world)
        response = as_actor.call(
            method, path, json=body, headers={"Authorization": f"Bearer {world['token']}"}
        )
        expected = "allowed" if _allowed(actor, action) else "refused"
        if actor == "national_admin" and action in MEMBERS_ONLY:
            if response.json.get("code") != MEMBERS_ONLY[action]:
                wrong.append((action, "members only", response.status_code, response.json))
            continue
        if expected == "allowed" and response.status_code >= 400:
            wrong.append((action, expected, response.status_code, response.json))
        if expected == "refused" and not _refused(action, response):
            wrong.append((action, expected, response.status_code, response.json))
    assert wrong == []


@pytest.mark.parametrize("action", sorted(OPERATIONS))
def test_without_a_token_every_operation_is_unauthenticated(ctx, api, action):
    world = _world("member")
    method, path, body = OPERATIONS[action](world)

    response = api.call(method, path, json=body)

    assert response.status_code == 401
    assert response.json["code"] == "unauthenticated"
