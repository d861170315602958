"""A scheme's rows are invisible from every other scheme: on every endpoint that takes an
id or a name, in the path, the query or the body, using another scheme's answers "not
found" with the named code, and writes nothing, even for the national administrator.

``test_every_scheme_route_is_swept`` enumerates the app's routes, so a new endpoint under
``/api/v1/schemes/...`` fails here until it is added to the sweep (or, if it takes no id
or name, to ``TAKES_NO_ID``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from lets_platform.db import db
from lets_platform.identity.operations import find_person
from lets_platform.testing import Api, assert_problem, db_state
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.invoices.operations import send_invoice
from lets_tenants.ledger.operations import transfer

PREFIX = "/api/v1/schemes/"

#: A probe: (path after /api/v1/schemes/wiltshire, query, body, status, code); bright's
#: ids and names are on ``b``.
Probe = tuple[str, dict[str, str] | None, dict[str, Any] | None, int, str]


def _pay(payer: str, payee: str, **extra: Any) -> dict[str, Any]:
    return {"payer": payer, "payee": payee, "amount": "1.00", **extra}


#: (method, route after /api/v1/schemes/<scheme>) -> probes built from bright's world ``b``
SWEEP: dict[tuple[str, str], Callable[[SimpleNamespace], list[Probe]]] = {
    ("GET", "/accounts/<account>"): lambda b: [
        ("/accounts/gita", None, None, 404, "account_not_found"),
        ("/accounts/bright-fund", None, None, 404, "account_not_found"),
    ],
    ("PATCH", "/accounts/<account>"): lambda b: [
        ("/accounts/gita", None, {"status": "suspended"}, 404, "account_not_found"),
        ("/accounts/bright-fund", None, {"min_balance": "-1.00"}, 404, "account_not_found"),
    ],
    ("GET", "/accounts/<account>/statement"): lambda b: [
        ("/accounts/gita/statement", None, None, 404, "account_not_found"),
        ("/accounts/gita/statement", {"format": "csv"}, None, 404, "account_not_found"),
    ],
    ("POST", "/transfers"): lambda b: [
        ("/transfers", None, _pay("gita", "alice"), 404, "payer_not_found"),
        ("/transfers", None, _pay("alice", "gita"), 404, "payee_not_found"),
        ("/transfers", None, _pay("bright-fund", "alice"), 404, "payer_not_found"),
        # another scheme's transfer id: refused without saying whose it is
        (
            "/transfers",
            None,
            _pay("alice", "bob", id=b.transfer),
            409,
            "exists_with_different_fields",
        ),
    ],  # fmt: skip
    ("GET", "/transfers"): lambda b: [
        ("/transfers", {"account": "gita"}, None, 404, "account_not_found"),
    ],
    ("GET", "/transfers/<transfer_id>"): lambda b: [
        (f"/transfers/{b.transfer}", None, None, 404, "transfer_not_found"),
    ],
    ("POST", "/transfers/<transfer_id>/correct"): lambda b: [
        (f"/transfers/{b.transfer}/correct", None, {}, 404, "transfer_not_found"),
        (f"/transfers/{b.transfer}/correct", None, {"amount": "0.50"}, 404, "transfer_not_found"),
    ],
    ("POST", "/invoices"): lambda b: [
        (
            "/invoices",
            None,
            {"payer": "gita", "payee": "alice", "amount": "1.00"},
            404,
            "payer_not_found",
        ),
        (
            "/invoices",
            None,
            {"payer": "alice", "payee": "gita", "amount": "1.00"},
            404,
            "payee_not_found",
        ),
    ],  # fmt: skip
    ("GET", "/invoices"): lambda b: [
        ("/invoices", {"account": "gita"}, None, 404, "account_not_found"),
    ],
    ("GET", "/invoices/<invoice_id>"): lambda b: [
        (f"/invoices/{b.invoice}", None, None, 404, "invoice_not_found"),
    ],
    **{
        ("POST", f"/invoices/<invoice_id>/{decision}"): (
            lambda b, decision=decision: [
                (f"/invoices/{b.invoice}/{decision}", None, None, 404, "invoice_not_found")
            ]
        )
        for decision in ("accept", "decline", "cancel")
    },
    ("POST", "/members/<handle>/roles"): lambda b: [
        ("/members/gita/roles", None, {"role": "mediator"}, 404, "member_not_found"),
    ],
    ("DELETE", "/members/<handle>/roles/<role>"): lambda b: [
        ("/members/gita/roles/mediator", None, None, 404, "member_not_found"),
    ],
    # the directory and community
    ("POST", "/listings"): lambda b: [
        ("/listings", None, _listing(owner="gita"), 404, "member_not_found"),
        (
            "/listings",
            None,
            _listing(owner="alice", visibility="group", group=b.group),
            404,
            "group_not_found",
        ),
    ],
    ("GET", "/listings"): lambda b: [
        ("/listings", {"owner": "gita"}, None, 404, "member_not_found"),
    ],
    ("GET", "/listings/<listing_id>"): lambda b: [
        (f"/listings/{b.listing}", None, None, 404, "listing_not_found"),
    ],
    ("PATCH", "/listings/<listing_id>"): lambda b: [
        (f"/listings/{b.listing}", None, {"title": "Mine"}, 404, "listing_not_found"),
    ],
    ("DELETE", "/listings/<listing_id>"): lambda b: [
        (f"/listings/{b.listing}", None, None, 404, "listing_not_found"),
    ],
    ("POST", "/listings/<listing_id>/renew"): lambda b: [
        (f"/listings/{b.listing}/renew", None, None, 404, "listing_not_found"),
    ],
    ("GET", "/directory/exports/<export_id>"): lambda b: [
        (f"/directory/exports/{b.export}", None, None, 404, "export_not_found"),
    ],
    ("GET", "/directory/exports/<export_id>/file"): lambda b: [
        (f"/directory/exports/{b.export}/file", None, None, 404, "export_not_found"),
    ],
    ("GET", "/members/<handle>/profile"): lambda b: [
        ("/members/gita/profile", None, None, 404, "member_not_found"),
    ],
    ("PATCH", "/members/<handle>/profile"): lambda b: [
        ("/members/gita/profile", None, {"about": "x"}, 404, "member_not_found"),
    ],
    ("PUT", "/members/<handle>/profile/photo"): lambda b: [
        ("/members/gita/profile/photo", None, None, 404, "member_not_found"),
    ],
    ("DELETE", "/members/<handle>/profile/photo"): lambda b: [
        ("/members/gita/profile/photo", None, None, 404, "member_not_found"),
    ],
    ("GET", "/members/<handle>/photo"): lambda b: [
        ("/members/gita/photo", None, None, 404, "member_not_found"),
    ],
    ("POST", "/events"): lambda b: [
        ("/events", None, _event(group=b.group), 404, "group_not_found"),
    ],
    ("GET", "/events/<event_id>"): lambda b: [
        (f"/events/{b.event}", None, None, 404, "event_not_found"),
    ],
    ("POST", "/events/<event_id>/rsvp"): lambda b: [
        (f"/events/{b.event}/rsvp", None, {"going": True}, 404, "event_not_found"),
    ],
    ("POST", "/transfers/<transfer_id>/feedback"): lambda b: [
        (
            f"/transfers/{b.transfer}/feedback",
            None,
            {"rating": "positive"},
            404,
            "transfer_not_found",
        ),
    ],
    ("PATCH", "/transfers/<transfer_id>/feedback"): lambda b: [
        (
            f"/transfers/{b.transfer}/feedback",
            None,
            {"rating": "negative"},
            404,
            "transfer_not_found",
        ),
    ],
    ("GET", "/groups/<group_id>"): lambda b: [
        (f"/groups/{b.group}", None, None, 404, "group_not_found"),
    ],
    ("POST", "/groups/<group_id>/members"): lambda b: [
        (f"/groups/{b.group}/members", None, {"handle": "olive"}, 404, "group_not_found"),
    ],
    ("DELETE", "/groups/<group_id>/members/<handle>"): lambda b: [
        (f"/groups/{b.group}/members/olive", None, None, 404, "group_not_found"),
    ],
    ("POST", "/reports"): lambda b: [
        (
            "/reports",
            None,
            {"subject": "listing", "id": b.listing, "reason": "x"},
            422,
            "report_subject_not_found",
        ),
        (
            "/reports",
            None,
            {"subject": "profile", "id": "gita", "reason": "x"},
            422,
            "report_subject_not_found",
        ),
    ],
    ("POST", "/reports/<report_id>/resolve"): lambda b: [
        (f"/reports/{b.report}/resolve", None, {"action": "dismiss"}, 404, "report_not_found"),
    ],
    ("POST", "/members/<handle>/invitation"): lambda b: [
        ("/members/gita/invitation", None, {}, 404, "member_not_found"),
        ("/members/gita/invitation", None, {"email": "gita@example.org"}, 404, "member_not_found"),
    ],
}

#: Routes whose probe needs more arranging, each with the test that sweeps it.
SWEPT_ELSEWHERE = {
    ("POST", "/wind-up/choices"): "test_a_wind_up_choice_for_another_schemes_member",
    **{
        route: "constitution/test_isolation.py"
        for route in [
            ("GET", "/meetings/<int:meeting_id>"),
            ("POST", "/meetings/<int:meeting_id>/agenda"),
            ("PUT", "/meetings/<int:meeting_id>/attendance"),
            ("POST", "/meetings/<int:meeting_id>/minutes"),
            ("POST", "/meetings"),
            ("POST", "/ballots"),
            ("GET", "/ballots/<int:ballot_id>"),
            ("POST", "/ballots/<int:ballot_id>/votes"),
            ("POST", "/ballots/<int:ballot_id>/close"),
            ("POST", "/ballots/<int:ballot_id>/consultation"),
            ("POST", "/egm-requests/<int:request_id>/signatures"),
            ("POST", "/applications/<int:application_id>/approve"),
            ("POST", "/applications/<int:application_id>/reject"),
            ("GET", "/members/<handle>/standing"),
            ("POST", "/members/<handle>/renewal"),
            ("POST", "/members/<handle>/termination"),
            ("POST", "/terminations/<int:termination_id>/appeal"),
            ("POST", "/terminations/<int:termination_id>/decision"),
            ("POST", "/fees/<int:fee_id>/paid"),
            ("POST", "/budgets"),
            ("POST", "/claims"),
            ("POST", "/claims/<int:claim_id>/approve"),
            ("POST", "/claims/<int:claim_id>/reject"),
            ("POST", "/claims/<int:claim_id>/pay"),
            ("POST", "/disputes"),
            ("POST", "/disputes/<int:dispute_id>/handling"),
            ("GET", "/constitution/versions/<int:number>"),
        ]
    },
}

#: Routes that take no id or name of the scheme's rows (lists, the scheme itself), and
#: routes that create a row under a new name, where another scheme's names are free
#: (``test_another_schemes_names_are_free_for_new_rows``).
TAKES_NO_ID = {
    ("GET", "/api/v1/schemes/<slug>"),
    ("GET", "/accounts"),
    ("GET", "/members"),
    ("GET", "/roles"),
    ("GET", "/audit"),
    ("GET", "/activity"),  # sums of the scheme's own transfers, per month
    ("POST", "/accounts"),
    ("POST", "/members"),
    # imports create members and accounts from a legacy system's files (new names)
    ("POST", "/imports"),
    ("GET", "/imports"),
    # the balance migration acts on the whole scheme; a merge names its target scheme on
    # purpose (the national body's, checked by the federation's own tests)
    ("POST", "/merge"),
    ("POST", "/wind-up/migrate"),
    ("GET", "/wind-up/migration"),
    ("GET", "/wind-up/report"),
    ("POST", "/wind-up"),
    ("GET", "/wind-up"),
    ("GET", "/wind-up/choices"),
    # the directory's lists, new rows under new names, the scheme's feeds and files
    ("GET", "/categories"),
    ("POST", "/categories"),
    ("GET", "/directory"),
    ("POST", "/directory/exports"),
    ("GET", "/events"),
    ("GET", "/events.ics"),
    ("GET", "/groups"),
    ("POST", "/groups"),
    ("GET", "/reports"),
    # the constitution and its lists; requests and applications that create rows
    ("GET", "/constitution"),
    ("GET", "/constitution/versions"),
    ("POST", "/constitution/committee-changes"),
    ("GET", "/meetings"),
    ("GET", "/ballots"),
    ("GET", "/committee/deemed-resigned"),
    ("GET", "/meetings-due"),
    ("GET", "/egm-requests"),
    ("POST", "/egm-requests"),
    ("GET", "/applications"),
    ("POST", "/applications"),
    ("GET", "/fees"),
    ("GET", "/terminations"),
    ("GET", "/budgets"),
    ("GET", "/claims"),
    ("GET", "/disputes"),
    ("GET", "/annual-statement"),
}


def _listing(**fields: Any) -> dict[str, Any]:
    return {"kind": "offer", "title": "Eggs", "category": "other", **fields}


def _event(**fields: Any) -> dict[str, Any]:
    return {"title": "Swap", "starts_at": "2999-01-01T10:00:00+00:00", "location": "Hall", **fields}


def _community(scheme: Any, owner: str) -> dict[str, int]:
    """A listing, an event, a group, a report and a directory export of the scheme."""
    from datetime import date

    from lets_tenants.directory.categories import category_by_slug
    from lets_tenants.directory.models import DirectoryExport, Listing
    from lets_tenants.events.models import Event
    from lets_tenants.groups.models import Group
    from lets_tenants.membership.operations import get_member
    from lets_tenants.moderation.models import Report

    member = get_member(scheme, owner)
    listing = Listing(
        scheme_id=scheme.id,
        membership_id=member.id,
        kind="offer",
        title="Honey",
        category_id=category_by_slug(scheme, "other").id,
        expires_on=date(2999, 1, 1),
        visibility="federation",
    )
    group = Group(scheme_id=scheme.id, name="Growers", created_by_id=member.id)
    event = Event(
        scheme_id=scheme.id,
        title="Swap",
        starts_at=datetime(2999, 1, 1, tzinfo=UTC),
        location="Hall",
        created_by_id=member.id,
    )
    export = DirectoryExport(scheme_id=scheme.id, format="csv")
    db.session.add_all([listing, group, event, export])
    db.session.flush()
    report = Report(
        scheme_id=scheme.id,
        subject="listing",
        subject_id=listing.id,
        reason="x",
        reporter_id=member.person_id,
    )
    db.session.add(report)
    db.session.flush()
    return {
        "listing": listing.id,
        "group": group.id,
        "event": event.id,
        "export": export.id,
        "report": report.id,
    }


def _world(slug: str, members: tuple[str, str], organiser: str, fund: str, cm, cs) -> Any:
    scheme = cs(slug, network="south-west")
    for handle in members:
        cm(scheme, handle)
    cm(scheme, organiser, organiser=True)
    open_central_account(scheme, fund, "Fund", min_balance="-50.00", actor=None)
    payer, payee = members
    moved = transfer(scheme, payer=payer, payee=payee, amount="3.00", entered_by=None)
    invoice = send_invoice(scheme, sender=payee, payer=payer, amount="2.00", memo="", actor=None)
    community = _community(scheme, payer)
    db.session.commit()
    return SimpleNamespace(
        scheme=scheme, transfer=str(moved.transfer.id), invoice=str(invoice.id), **community
    )


@pytest.fixture
def bright(ctx, create_scheme, create_member) -> SimpleNamespace:
    _world("wiltshire", ("alice", "bob"), "olive", "fund", create_member, create_scheme)
    return _world("bright", ("gita", "hari"), "oscar", "bright-fund", create_member, create_scheme)


@pytest.fixture(params=["organiser", "national_admin"])
def caller(request, api, bright, create_admin, token_for) -> Api:
    """Wiltshire's organiser, or the national administrator (who may act in every scheme,
    so that no answer is a refusal of permission hiding a leak)."""
    person = find_person("olive@wiltshire.test")
    if request.param == "national_admin":
        person = create_admin()
    return api.as_(token_for(person))


def _probes(b: SimpleNamespace) -> list[tuple[str, str, Probe]]:
    return [(method, route, probe) for (method, route), make in SWEEP.items() for probe in make(b)]


def test_every_scheme_route_is_swept(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        suffix = rule.rule.removeprefix(PREFIX + "<scheme>")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method, suffix))
    swept = set(SWEEP) | set(SWEPT_ELSEWHERE) | TAKES_NO_ID
    assert routes - swept == set(), "add these routes to the isolation sweep"
    assert swept - routes == set(), "the sweep names routes that do not exist"


def test_another_schemes_ids_and_names_are_not_found_everywhere(caller, bright):
    wrong = []
    for method, route, (path, query, body, status, code) in _probes(bright):
        before = db_state()
        response = caller.call(
            method,
            "/schemes/wiltshire" + path,
            query_string=query,
            json=body,
            headers=caller._headers(None),
        )
        got = (response.status_code, (response.get_json(silent=True) or {}).get("code"))
        if got != (status, code) or response.mimetype != "application/problem+json":
            wrong.append((method, route, path, query, body, got))
        elif db_state() != before:
            wrong.append((method, route, path, "wrote something"))
    assert wrong == []


def test_the_sweep_exercises_every_probe_of_every_route(bright):
    assert {(m, r) for m, r, _ in _probes(bright)} == set(SWEEP)


def test_another_schemes_transfer_id_is_answered_without_a_trace_of_it(caller, bright):
    body = _pay("alice", "bob", id=bright.transfer)
    response = caller.post("/schemes/wiltshire/transfers", body)
    problem = assert_problem(response, 409, "exists_with_different_fields")
    assert "fields" not in problem
    assert "gita" not in response.get_data(as_text=True)


def test_another_schemes_names_are_free_for_new_rows(caller, bright):
    member = {"email": "gita2@example.org", "display_name": "Gita", "handle": "gita"}
    fund = {"name": "bright-fund", "title": "Our own fund"}
    assert caller.post("/schemes/wiltshire/members", member).status_code == 201
    assert caller.post("/schemes/wiltshire/accounts", fund).status_code == 201


def test_lists_show_only_the_schemes_own_rows(caller, bright):
    transfers = caller.get("/schemes/wiltshire/transfers").json["items"]
    invoices = caller.get("/schemes/wiltshire/invoices").json
    accounts = caller.get("/schemes/wiltshire/accounts").json
    members = caller.get("/schemes/wiltshire/members").json
    assert {(t["payer"], t["payee"]) for t in transfers} == {("alice", "bob")}
    assert {(i["payer"], i["payee"]) for i in invoices} == {("alice", "bob")}
    assert {a["name"] for a in accounts} == {"alice", "bob", "olive", "fund", "federation"}
    assert {m["handle"] for m in members} == {"alice", "bob", "olive"}


def test_a_wind_up_choice_for_another_schemes_member(caller, bright, create_admin, token_for):
    national = caller.as_(token_for(create_admin("national@letslink.test")))
    deadline = (datetime.now(UTC).date() + timedelta(days=90)).isoformat()
    decision = {"votes_for": 12, "votes_against": 1, "deadline": deadline}
    assert national.post("/schemes/wiltshire/wind-up", decision).status_code == 201
    before = db_state()

    response = caller.post(
        "/schemes/wiltshire/wind-up/choices", {"member": "gita", "destination": "bright"}
    )

    assert_problem(response, 404, "member_not_found")
    assert db_state() == before
