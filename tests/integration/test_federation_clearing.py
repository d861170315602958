"""Clearing runs over real, cleared inter-scheme trades: figures, storage, API, job and CLI.

One federation unit (an hour) is 10.00 WES, 12.00 Links (bright) and 15.00 London units.
The trades of ``cleared_world`` are, in hours: wiltshire -> bright 3, bright -> wiltshire 1,
bright -> london 2, london -> wiltshire 2, wiltshire -> london 1. So:

- gross 9; bilateral net |3-1| + |2| + |2-1| = 5; multilateral net 1 (london's +1);
- the cycle wiltshire -> bright -> london -> wiltshire (2 each way round) cancels: 4 saved.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from dramatiq import Worker
from sqlalchemy import func, select, update

from lets_federation.clearing.models import ClearingRun
from lets_federation.clearing.operations import run_clearing
from lets_federation.positions.operations import set_limits
from lets_federation.trades.models import Trade
from lets_federation.trades.operations import create_trade, settle
from lets_platform import jobs, testing
from lets_platform.db import db, utcnow
from lets_platform.tenancy.operations import provision_scheme
from lets_platform.testing import assert_problem
from lets_tenants.membership.operations import add_member

RUNS = "/federation/clearing-runs"
TRADES = [  # payer, payee, amount in the payer's currency (hours in the comment)
    ("wiltshire/alice", "bright/bob", "30.00"),  # 3
    ("bright/bob", "wiltshire/alice", "12.00"),  # 1
    ("bright/bob", "london/ines", "24.00"),  # 2
    ("london/ines", "wiltshire/alice", "30.00"),  # 2
    ("wiltshire/alice", "london/ines", "10.00"),  # 1
]


def trade(payer: str, payee: str, amount: str, *, clear: bool = True) -> Trade:
    """A trade started by the hub and, unless ``clear`` is False, settled; committed."""
    made = create_trade(None, payer=payer, payee=payee, amount=amount, currency="payer")
    db.session.commit()
    if clear:
        settle(made.id)
        db.session.commit()
    return made


@pytest.fixture
def world(scheme_with_members, create_admin, token_for, api) -> SimpleNamespace:
    schemes = {
        slug: scheme_with_members(slug, handles=(handle,), organiser=organiser, rate=rate)
        for slug, handle, organiser, rate in (
            ("wiltshire", "alice", "carol", "10"),
            ("bright", "bob", "bea", "12"),
            ("london", "ines", "lena", "15"),
        )
    }
    national = api.as_(token_for(create_admin()))
    return SimpleNamespace(national=national, **schemes)


@pytest.fixture
def cleared_world(world) -> SimpleNamespace:
    for payer, payee, amount in TRADES:
        trade(payer, payee, amount)
    return world


def _flows(run: dict) -> dict[tuple[str, str], str]:
    flows = {}
    for pair in run["pairs"]:
        flows[(pair["a"], pair["b"])] = pair["a_to_b"]
        flows[(pair["b"], pair["a"])] = pair["b_to_a"]
    return flows


def test_a_run_reports_gross_bilateral_and_multilateral_figures(cleared_world):
    response = cleared_world.national.post(RUNS, {})

    assert response.status_code == 201, response.json
    run = response.json
    assert run["trade_count"] == 5
    assert (run["gross"], run["bilateral_net"], run["multilateral_net"]) == (
        "9.000000",
        "5.000000",
        "1.000000",
    )
    assert (run["bilateral_saving"], run["cycle_saving"]) == ("4.000000", "4.000000")


def test_a_run_reports_each_schemes_net_position(cleared_world):
    run = cleared_world.national.post(RUNS, {}).json

    rows = {row["scheme"]: row for row in run["schemes"]}
    assert {s: (r["paid"], r["received"], r["net"]) for s, r in rows.items()} == {
        "wiltshire": ("4.000000", "3.000000", "-1.000000"),
        "bright": ("3.000000", "3.000000", "0.000000"),
        "london": ("2.000000", "3.000000", "1.000000"),
    }
    assert {s: r["position"] for s, r in rows.items()} == {s: r["net"] for s, r in rows.items()}


def test_a_run_reports_the_bilateral_flows_both_ways(cleared_world):
    run = cleared_world.national.post(RUNS, {}).json

    assert _flows(run) == {
        ("wiltshire", "bright"): "3.000000",
        ("bright", "wiltshire"): "1.000000",
        ("bright", "london"): "2.000000",
        ("london", "bright"): "0.000000",
        ("london", "wiltshire"): "2.000000",
        ("wiltshire", "london"): "1.000000",
    }


def test_pending_and_rejected_trades_are_not_counted(world):
    trade("wiltshire/alice", "bright/bob", "10.00")
    trade("wiltshire/alice", "bright/bob", "20.00", clear=False)
    set_limits("london", max_deficit="0.5", max_surplus=None, actor=None)
    db.session.commit()
    rejected = trade("london/ines", "bright/bob", "15.00")
    assert db.session.get(Trade, rejected.id).state == "rejected"

    run = run_clearing()

    assert (run.trade_count, run.gross, run.multilateral_net) == (1, 10**6, 10**6)


def test_since_counts_only_the_trades_cleared_from_then_on(world):
    old = trade("wiltshire/alice", "bright/bob", "10.00")
    trade("bright/bob", "london/ines", "24.00")
    db.session.execute(
        update(Trade).where(Trade.id == old.id).values(decided_at=utcnow() - timedelta(days=2))
    )
    db.session.commit()

    run = run_clearing(since=utcnow() - timedelta(days=1))

    assert (run.trade_count, run.gross) == (1, 2 * 10**6)
    assert {row.scheme_id: row.net for row in run.schemes}[world.wiltshire.scheme.id] == 0


def test_a_scheme_close_to_a_limit_is_flagged(world):
    set_limits("wiltshire", max_deficit="1.25", max_surplus=None, actor=None)
    set_limits("bright", max_deficit=None, max_surplus="10", actor=None)
    db.session.commit()
    trade("wiltshire/alice", "bright/bob", "10.00")  # wiltshire at -1 of -1.25: 80 %

    run = world.national.post(RUNS, {}).json

    assert run["near_limit"] == ["wiltshire"]
    rows = {row["scheme"]: row for row in run["schemes"]}
    assert (rows["wiltshire"]["near_limit"], rows["wiltshire"]["max_deficit"]) == (
        "deficit",
        "1.250000",
    )
    assert rows["bright"]["near_limit"] is None


def test_a_run_with_no_cleared_trades_reports_zeros(world):
    run = world.national.post(RUNS, {}).json

    assert (run["trade_count"], run["gross"], run["pairs"]) == (0, "0.000000", [])


def test_runs_are_stored_and_readable_newest_first(cleared_world):
    first = run_clearing()
    db.session.commit()
    second = cleared_world.national.post(RUNS, {}).json

    listed = cleared_world.national.get(RUNS).json
    read = cleared_world.national.get(f"{RUNS}/{first.id}").json

    assert [r["id"] for r in listed] == [second["id"], str(first.id)]
    assert (read["gross"], read["trade_count"], len(read["schemes"])) == ("9.000000", 5, 3)


@pytest.mark.parametrize("run_id", ["00000000-0000-0000-0000-000000000000", "nope"])
def test_an_unknown_run_is_clearing_run_not_found(world, run_id):
    assert_problem(world.national.get(f"{RUNS}/{run_id}"), 404, "clearing_run_not_found")


def test_an_organiser_sees_the_totals_and_only_their_own_schemes_rows(cleared_world):
    run_id = cleared_world.national.post(RUNS, {}).json["id"]

    seen = cleared_world.wiltshire.as_["carol"].get(f"{RUNS}/{run_id}").json

    assert seen["gross"] == "9.000000"
    assert [row["scheme"] for row in seen["schemes"]] == ["wiltshire"]
    assert all("wiltshire" in (p["a"], p["b"]) for p in seen["pairs"])
    assert len(seen["pairs"]) == 2


def test_an_organiser_may_ask_for_their_own_scheme_but_not_another(cleared_world):
    cleared_world.national.post(RUNS, {})
    carol = cleared_world.wiltshire.as_["carol"]

    assert carol.get(RUNS, scheme="wiltshire").status_code == 200
    assert_problem(carol.get(RUNS, scheme="bright"), 403, "not_permitted")


def test_members_may_not_read_runs_and_only_the_national_body_starts_one(world):
    assert_problem(world.wiltshire.as_["alice"].get(RUNS), 403, "not_permitted")
    assert_problem(world.wiltshire.as_["carol"].post(RUNS, {}), 403, "not_permitted")


def test_a_naive_since_is_refused(world):
    refused = world.national.post(RUNS, {"since": "2026-01-01T00:00:00"})

    assert_problem(refused, 422, "validation_failed")
    assert db.session.scalar(select(func.count()).select_from(ClearingRun)) == 0


def test_lets_federation_clear_prints_the_run_and_stores_it(ctx, cleared_world):
    result = ctx.test_cli_runner().invoke(args=["federation", "clear"])

    assert result.exit_code == 0, result.output
    assert "9.000000" in result.output  # gross
    assert "wiltshire" in result.output and "-1.000000" in result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ClearingRun)) == 1


def test_the_clearing_run_is_a_periodic_job(ctx):
    assert "clearing_run" in jobs.periodic()


def test_a_worker_makes_a_clearing_run_from_the_job(database_url):
    app = testing.make_app(database_url)
    from lets_federation.clearing.tasks import clearing_run

    with app.app_context():
        for slug, code in (("wiltshire", "WES"), ("bright", "LNK")):
            scheme = provision_scheme(
                slug=slug,
                name=slug,
                currency_code=code,
                currency_name=code,
                default_min_balance="-10.00",
            )
            add_member(scheme, email=f"m@{slug}.test", display_name="M", handle="m", actor=None)
        db.session.commit()
        trade("wiltshire/m", "bright/m", "0.50")
        worker = Worker(jobs.broker_of(app), worker_timeout=100)
        worker.start()
        try:
            clearing_run.send()
            jobs.broker_of(app).join(clearing_run.queue_name, timeout=30_000)
            worker.join()
        finally:
            worker.stop()
        db.session.rollback()
        run = db.session.scalars(select(ClearingRun)).one()
        assert (run.trade_count, run.gross) == (1, 500_000)
        testing.empty_tables()
    testing.dispose(app)
