"""The national body's pages (``/hub/...``) and the organisers' wind-up page, in a browser
on the test client: provisioning, networks, rates with history, limits, clearing with its
netting, pools, the wind-up console with the migration's progress, and merges. Only the
national administrator gets into ``/hub``."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lets_federation.migration.testing import run_of, run_to_end
from lets_federation.positions.models import Position
from lets_federation.rates.models import RateChange
from lets_federation.trades.operations import create_trade, settle
from lets_federation.windup.models import WindUp, WindUpChoice
from lets_platform import clock
from lets_platform.db import db
from lets_platform.identity.models import RoleGrant
from lets_platform.tenancy.models import Network, Scheme
from lets_platform.web.testing import Browser


@pytest.fixture
def hub(scheme_with_members, create_admin, app):
    wilts = scheme_with_members("wiltshire", handles=("alice",), rate="10", network="wessex")
    bright = scheme_with_members("bright", handles=("bob",), organiser="bea", rate="12")
    national = Browser(app)
    national.sign_in(create_admin())
    return wilts, bright, national


def _scheme(slug):
    db.session.expire_all()
    return db.session.scalar(select(Scheme).where(Scheme.slug == slug))


def _error_beside(html: str, field: str) -> str:
    found = re.search(
        rf'id="{field}-error"><span class="visually-hidden">Error:</span> ([^<]+)<', html
    )
    assert found, f"no error beside {field}"
    return found.group(1)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/schemes/new",
        "/networks",
        "/rates",
        "/limits",
        "/clearing",
        "/pools",
        "/schemes/wiltshire",
        "/schemes/wiltshire/migration",
    ],
)
def test_an_organiser_gets_the_403_page_at_the_hub(hub, browser, path):
    browser.sign_in(hub[0].people["olive"])
    answer = browser.get("/hub" + path)
    assert answer.status_code == 403 and "You cannot see this page" in answer.text


def test_the_national_body_provisions_a_scheme(hub):
    made = hub[2].submit(
        "/hub/schemes/new",
        {
            "slug": "exmoor",
            "name": "Exmoor LETS",
            "currency_code": "EXM",
            "currency_name": "Exes",
            "decimals": "2",
            "rate": "25/2",
            "default_min_balance": "-100.00",
            "network": "wessex",
        },
    )
    assert made.status_code == 302 and made.headers["Location"].endswith("/hub/schemes/exmoor")
    exmoor = _scheme("exmoor")
    assert (exmoor.rate_num, exmoor.rate_den, exmoor.network.slug) == (25, 2, "wessex")


def test_a_bad_rate_and_a_taken_slug_are_shown_beside_their_fields(hub):
    answer = hub[2].submit(
        "/hub/schemes/new",
        {
            "slug": "wiltshire",
            "name": "Again",
            "currency_code": "AGN",
            "currency_name": "A",
            "decimals": "2",
            "rate": "ten",
            "default_min_balance": "0",
        },
    )
    assert answer.status_code == 422
    assert "exists already" in _error_beside(answer.text, "slug")  # the first refusal
    assert 'value="Again"' in answer.text


def test_the_rate_is_set_and_the_history_keeps_the_old_one(hub):
    answer = hub[2].submit("/hub/rates/wiltshire", {"rate": "12.5"})
    assert answer.status_code == 302
    rates = db.session.scalars(
        select(RateChange).where(RateChange.scheme_id == hub[0].scheme.id).order_by(RateChange.id)
    ).all()
    assert [(r.rate_num, r.rate_den) for r in rates] == [(10, 1), (25, 2)]
    page = hub[2].get("/hub/rates/wiltshire")
    assert "25/2" in page.text and re.search(r'data-label="Rate" class="num">10<', page.text)
    bad = hub[2].submit("/hub/rates/wiltshire", {"rate": "-3"})
    assert bad.status_code == 422 and _error_beside(bad.text, "rate")


def test_scheme_and_pair_limits_are_set(hub):
    assert (
        hub[2].submit("/hub/limits/wiltshire", {"max_deficit": "50", "max_surplus": ""}).status_code
        == 302
    )
    position = db.session.scalar(select(Position).where(Position.scheme_id == hub[0].scheme.id))
    db.session.refresh(position)
    assert (position.max_deficit, position.max_surplus) == (50_000_000, None)
    pair = hub[2].submit(
        "/hub/limits", {"first": "wiltshire", "second": "bright", "max_net_flow": "20"}
    )
    assert pair.status_code == 302 and "20.000000" in hub[2].get("/hub/limits").text
    same = hub[2].submit(
        "/hub/limits", {"first": "bright", "second": "bright", "max_net_flow": "1"}
    )
    assert same.status_code == 422 and _error_beside(same.text, "second")


def test_a_bad_limit_is_shown_beside_its_own_field(hub):
    answer = hub[2].submit("/hub/limits/wiltshire", {"max_deficit": "5", "max_surplus": "lots"})
    assert answer.status_code == 422 and _error_beside(answer.text, "max_surplus")
    assert 'value="lots"' in answer.text


def test_a_clearing_run_shows_its_netting_and_flows(hub):
    trade = create_trade(
        None, payer="wiltshire/alice", payee="bright/bob", amount="30.00", currency="payer"
    )
    db.session.commit()
    settle(trade.id)
    db.session.commit()
    ran = hub[2].submit("/hub/clearing", {})
    assert ran.status_code == 302
    page = hub[2].get(ran.headers["Location"])
    assert "wiltshire → bright" in page.text and 'role="img"' in page.text
    assert "Gross: every flow</dt><dd>3.00 hours" in page.text


def test_a_network_is_created_and_a_regional_organiser_appointed(hub):
    assert hub[2].submit("/hub/networks", {"slug": "devon", "name": "Devon"}).status_code == 302
    appointed = hub[2].submit(
        "/hub/networks/devon/organisers",
        {"email": hub[1].people["bea"].email},
        form_page="/hub/networks",
    )
    assert appointed.status_code == 302
    devon = db.session.scalar(select(Network).where(Network.slug == "devon"))
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.network_id == devon.id))
    assert grant.person_id == hub[1].people["bea"].id
    unknown = hub[2].submit(
        "/hub/networks/devon/organisers",
        {"email": "nobody@example.org"},
        form_page="/hub/networks",
    )
    assert unknown.status_code == 422 and "nobody@example.org" in unknown.text


def _decide(hub, **fields):
    deadline = (clock.now().date() + timedelta(days=30)).isoformat()
    body = {
        "votes_for": "10",
        "votes_against": "2",
        "votes_abstaining": "0",
        "deadline": deadline,
        **fields,
    }
    return hub[2].submit("/hub/schemes/wiltshire/wind-up", body, form_page="/hub/schemes/wiltshire")


def test_a_ballot_short_of_two_thirds_is_shown_beside_the_votes(hub):
    answer = _decide(hub, votes_for="9", votes_against="5")
    assert answer.status_code == 422 and "two thirds" in _error_beside(answer.text, "votes_for")
    assert _scheme("wiltshire").status == "active"


def test_the_wind_up_console_forces_an_early_migration_with_a_reason_and_follows_it(hub):
    assert _decide(hub).status_code == 302
    assert _scheme("wiltshire").status == "winding_up"
    console = "/hub/schemes/wiltshire"
    assert "Still to repay at the end of each day" in hub[2].get(console).text
    early = hub[2].submit(console + "/migrate", {}, form_page=console)
    assert early.status_code == 422 and _error_beside(early.text, "force")
    no_reason = hub[2].submit(console + "/migrate", {"force": "y"}, form_page=console)
    assert no_reason.status_code == 422
    started = hub[2].submit(
        console + "/migrate", {"force": "y", "reason": "The hall closed"}, form_page=console
    )
    assert started.status_code == 302 and started.headers["Location"].endswith("/migration")
    running = hub[2].get(started.headers["Location"])
    assert running.headers["Refresh"] == "3" and "running" in running.text
    run_to_end(run_of(hub[0].scheme).id)
    finished = hub[2].get(started.headers["Location"])
    assert "Refresh" not in finished.headers
    assert "Closure report" in finished.text and "The hall closed" in finished.text
    assert "reconcile to the last unit" in finished.text
    csv = hub[2].get("/hub/schemes/wiltshire/migration/report.csv")
    assert csv.status_code == 200 and csv.content_type.startswith("text/csv")
    assert "alice" in csv.text


def test_an_organiser_enters_a_choice_given_on_paper(hub, browser):
    _decide(hub)
    browser.sign_in(hub[0].people["olive"])
    page = browser.get("/s/wiltshire/admin/wind-up")
    assert page.status_code == 200 and "Where each balance goes" in page.text
    assert 'id="trend"' in page.text  # what is still to repay, day by day
    chosen = browser.submit(
        "/s/wiltshire/admin/wind-up", {"member": "alice", "destination": "bright", "handle": ""}
    )
    assert chosen.status_code == 302
    choice = db.session.scalar(select(WindUpChoice))
    assert (choice.channel, choice.entered_by_id) == ("paper", hub[0].people["olive"].id)


def test_a_member_may_not_see_the_wind_up_page(hub, browser):
    _decide(hub)
    browser.sign_in(hub[0].people["alice"])
    assert browser.get("/s/wiltshire/admin/wind-up").status_code == 403


def test_a_merge_is_started_and_followed_to_its_report(hub):
    merged = hub[2].submit(
        "/hub/schemes/bright/merge", {"into": "wiltshire"}, form_page="/hub/schemes/bright"
    )
    assert merged.status_code == 302
    run_to_end(run_of(hub[1].scheme).id)
    assert _scheme("bright").status == "closed"
    assert "Closure report" in hub[2].get(merged.headers["Location"]).text


def test_a_pool_is_made_and_a_new_scheme_provisioned_from_it(hub):
    _decide(hub)
    hub[2].submit(
        "/hub/schemes/wiltshire/migrate",
        {"force": "y", "reason": "Early"},
        form_page="/hub/schemes/wiltshire",
    )
    run_to_end(run_of(hub[0].scheme).id)
    pool = db.session.scalar(select(WindUp)).pool
    page = hub[2].get(f"/hub/pools/{pool.slug}/provision")
    assert "alice" in page.text
    made = hub[2].submit(
        f"/hub/pools/{pool.slug}/provision",
        {
            "handles": ["alice"],
            "slug": "salisbury",
            "name": "Salisbury LETS",
            "currency_code": "SAL",
            "currency_name": "Sals",
            "decimals": "2",
            "rate": "10",
            "default_min_balance": "-50",
        },
    )
    assert made.status_code == 302 and made.headers["Location"].endswith(f"/{pool.slug}/migration")
    assert _scheme("salisbury").network.slug == "wessex"


def test_the_overview_draws_the_positions(hub):
    page = hub[2].get("/hub/")
    assert page.status_code == 200 and 'id="positions"' in page.text


def test_a_regional_organiser_runs_their_networks_schemes_but_not_the_hub(hub, app):
    from lets_platform.identity.operations import add_person
    from lets_platform.tenancy.operations import appoint_regional_organiser

    rhian = add_person("rhian@example.org", "Rhian Regional")
    appoint_regional_organiser("wessex", rhian.email, actor=None)
    db.session.commit()
    regional = Browser(app)
    regional.sign_in(rhian)
    assert regional.get("/s/wiltshire/admin/members").status_code == 200  # in wessex
    assert regional.get("/s/bright/admin/members").status_code == 403  # in no network
    assert regional.get("/hub/").status_code == 403


def test_only_the_national_body_is_shown_the_hubs_navigation(hub, browser):
    assert 'href="/hub/clearing"' in hub[2].get("/hub/").text
    browser.sign_in(hub[0].people["olive"])
    page = browser.get("/s/wiltshire/admin/")
    assert 'href="/hub/clearing"' not in page.text
    assert 'href="/s/wiltshire/admin/members"' in page.text
