"""What the organisers' and national body's pages show and do, below the pages: the same
operations as the API, shaped like its answers, on real transfers and trades."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from lets_federation.hub import pages as hub
from lets_federation.trades.operations import create_trade, settle
from lets_platform.audit.models import AuditEntry
from lets_platform.db import db
from lets_platform.errors import LetsError, NotPermitted
from lets_tenants.admin import pages as admin


@pytest.fixture
def w(scheme_with_members):
    return scheme_with_members("wiltshire", handles=("alice", "bob"))


def test_members_list_roles_and_accounts_for_readers_of_accounts(w):
    rows = {m["handle"]: m for m in admin.members(w.scheme, with_accounts=True)[0]}
    assert rows["olive"]["roles"] == ["Organiser (runs the scheme)"]
    assert rows["alice"]["account"]["min_balance"] == "-100.00"
    assert admin.members(w.scheme, with_accounts=False)[0][0]["account"] is None


def test_members_come_a_page_at_a_time_and_are_found_by_part_of_a_name(w):
    first, after = admin.members(w.scheme, with_accounts=False, limit=2)
    rest, end = admin.members(w.scheme, with_accounts=False, limit=2, after=after)
    assert [m["handle"] for m in first + rest] == ["alice", "bob", "olive"] and end is None
    found, _ = admin.members(w.scheme, with_accounts=False, search="LIV")
    assert [m["handle"] for m in found] == ["olive"]


def test_a_paper_cheque_is_entered_once_and_audited(w, balance):
    olive = w.people["olive"]
    data = {
        "payer": "alice",
        "payee": "bob",
        "amount": "7.50",
        "channel": "cheque",
        "memo": "Logs",
        "id": str(uuid.uuid4()),
    }
    first = admin.enter(olive, w.scheme, data)
    db.session.commit()
    again = admin.enter(olive, w.scheme, data)  # the form sent twice
    db.session.commit()
    assert first["id"] == again["id"] and first["channel"] == "cheque"
    assert first["entered_by"] == olive.email
    assert (balance(w.scheme, "alice"), balance(w.scheme, "bob")) == (-750, 750)
    audited = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "transfer.entered_on_behalf")
    ).all()
    assert len(audited) == 1 and audited[0].details["channel"] == "cheque"


def test_a_correction_gives_back_and_is_audited(w, balance):
    olive = w.people["olive"]
    entered = admin.enter(
        olive, w.scheme, {"payer": "alice", "payee": "bob", "amount": "10.00", "channel": "paper"}
    )
    fix = admin.correct(olive, w.scheme, entered["id"], {"amount": "4.00", "memo": "Typo"})
    db.session.commit()
    assert (fix["kind"], fix["corrects"]) == ("correction", entered["id"])
    assert balance(w.scheme, "alice") == -600


def test_a_member_may_not_enter_for_someone_else(w):
    with pytest.raises(NotPermitted):
        admin.enter(
            w.people["alice"],
            w.scheme,
            {"payer": "bob", "payee": "alice", "amount": "1.00", "channel": "cheque"},
        )


def test_only_organisers_get_into_the_admin_pages(w):
    assert admin.admin_scheme(w.people["olive"], "wiltshire").slug == "wiltshire"
    with pytest.raises(NotPermitted):
        admin.admin_scheme(w.people["alice"], "wiltshire")


def test_activity_charts_have_a_bar_and_a_row_per_month(w):
    admin.enter(
        w.people["olive"],
        w.scheme,
        {"payer": "alice", "payee": "bob", "amount": "3.00", "channel": "voucher"},
    )
    db.session.commit()
    shown = admin.activity_charts(w.scheme, months=3)
    volume, traders = shown["charts"]
    assert len(volume.bars) == len(traders.bars) == len(shown["rows"]) == 3
    assert shown["rows"][-1][1:] == ["1", "3.00", "2"]


@pytest.fixture
def federation(scheme_with_members, create_admin):
    wilts = scheme_with_members("wiltshire", handles=("alice",), rate="10")
    bright = scheme_with_members("bright", handles=("bob",), organiser="bea", rate="12")
    made = create_trade(
        None, payer="wiltshire/alice", payee="bright/bob", amount="30.00", currency="payer"
    )
    db.session.commit()
    settle(made.id)
    db.session.commit()
    return wilts, bright, create_admin()


def test_positions_chart_shows_a_deficit_left_of_zero(federation):
    shown = hub.positions_chart()
    bars = {b.label: b for b in shown["chart"].bars}
    assert bars["wiltshire"].negative and not bars["bright"].negative
    assert ["wiltshire", "-3.00", "no limit", "no limit"] in shown["rows"]


def test_a_clearing_run_from_the_page_shows_its_flows(federation):
    run = hub.run_clearing(federation[2])
    db.session.commit()
    shown = hub.flows_chart(hub.clearing_run(run["id"]))
    assert [(b.label, b.text) for b in shown["chart"].bars] == [("wiltshire → bright", "3.00")]
    assert Decimal(run["gross"]) == 3


def test_a_bad_limit_is_named_by_its_field(federation):
    with pytest.raises(LetsError) as refused:
        hub.set_limits(federation[2], "wiltshire", {"max_deficit": "10", "max_surplus": "lots"})
    assert "max_surplus" in refused.value.extra["errors"]


def test_the_national_body_alone_uses_the_hub_pages(federation):
    hub.national_body(federation[2])
    with pytest.raises(NotPermitted):
        hub.national_body(federation[0].people["olive"])
