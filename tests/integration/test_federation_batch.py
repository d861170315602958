"""Batch clearing: one job decides its trade and other pending ones in one transaction,
each against the books as the trades before it left them, with real commits; batches
never decide a trade twice, and a message whose trade a batch decided does nothing."""

from __future__ import annotations

import threading
from collections import Counter
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lets_federation import DEFAULT_BATCH_SIZE
from lets_federation.positions.models import Position
from lets_federation.positions.operations import set_limits
from lets_federation.trades import tasks
from lets_federation.trades.batch import clear_batch
from lets_federation.trades.models import Trade
from lets_federation.trades.operations import create_trade
from lets_platform import invariants
from lets_platform.db import db
from lets_platform.tenancy import scope
from lets_platform.testing import statements_sent
from lets_tenants.accounts.operations import change_account
from lets_tenants.ledger.models import Transfer


@pytest.fixture
def world(create_scheme, create_member):
    """Three schemes at 10 units an hour; wiltshire may owe the federation 1.5 hours."""
    schemes = {
        slug: create_scheme(slug, rate="10", default_min_balance="-1000.00")
        for slug in ("wiltshire", "bright", "london")
    }
    for slug, handle in (("wiltshire", "alice"), ("bright", "bob"), ("london", "ines")):
        create_member(schemes[slug], handle)
    set_limits("wiltshire", max_deficit="1.5", max_surplus=None, actor=None)
    db.session.commit()
    return SimpleNamespace(**schemes)


def _trade(payer, payee, amount="10.00"):
    """A pending trade, committed; its clearing is left to the test."""
    trade = create_trade(None, payer=payer, payee=payee, amount=amount, currency="payer")
    trade_id = trade.id
    db.session.commit()
    return trade_id


def _outcome(trade_id):
    trade = db.session.get_one(Trade, trade_id)
    return trade.state, trade.reason


def _transfers():
    return db.session.scalar(select(func.count()).select_from(Transfer))


def test_a_batch_clears_what_fits_and_rejects_the_rest_with_their_reasons(world):
    change_account(world.london, "ines", actor=None, max_balance="5.00")
    db.session.commit()
    first = _trade("wiltshire/alice", "bright/bob")  # wiltshire to -1 hour
    over_deficit = _trade("wiltshire/alice", "bright/bob")  # -2 would pass -1.5
    over_ceiling = _trade("bright/bob", "london/ines")  # ines may hold 5.00
    back = _trade("london/ines", "wiltshire/alice", "5.00")  # wiltshire back to -0.5

    decided = clear_batch(first, extra=10)
    db.session.commit()

    assert [d.trade.id for d in decided] == [first, over_deficit, over_ceiling, back]
    assert _outcome(first) == ("cleared", None)
    assert _outcome(over_deficit) == ("rejected", "exceeds_federation_limit")
    assert _outcome(over_ceiling) == ("rejected", "exceeds_upper_limit")
    assert _outcome(back) == ("cleared", None)
    wiltshire = db.session.get_one(Position, world.wiltshire.id)
    assert wiltshire.position == -500_000
    assert invariants.run_all() == []


def test_a_trade_is_judged_after_the_ones_before_it_in_the_batch(world):
    out = _trade("wiltshire/alice", "bright/bob", "15.00")  # wiltshire at its limit, -1.5
    refused = _trade("wiltshire/alice", "london/ines", "0.10")
    back = _trade("bright/bob", "wiltshire/alice", "15.00")
    after_back = _trade("wiltshire/alice", "london/ines", "0.10")

    clear_batch(out, extra=10)
    db.session.commit()

    assert _outcome(refused) == ("rejected", "exceeds_federation_limit")
    assert [_outcome(t)[0] for t in (out, back, after_back)] == ["cleared"] * 3
    assert invariants.run_all() == []


def test_a_batch_writes_with_as_many_statements_for_twenty_trades_as_for_two(world):
    def statements_to_clear(count):
        ids = [_trade("bright/bob", "london/ines", "1.00") for _ in range(count)]
        with statements_sent() as seen:
            assert len(clear_batch(ids[0], extra=count)) == count
        db.session.commit()
        return len(seen)

    assert statements_to_clear(20) == statements_to_clear(2)


def test_a_message_whose_trade_a_batch_decided_changes_nothing(world):
    first = _trade("wiltshire/alice", "bright/bob", "5.00")
    second = _trade("bright/bob", "london/ines", "5.00")
    clear_batch(first, extra=10)
    db.session.commit()
    later = _trade("london/ines", "wiltshire/alice", "5.00")
    transfers, positions = _transfers(), list(db.session.scalars(select(Position.position)))

    assert clear_batch(second, extra=10) == []
    db.session.commit()

    assert _outcome(second) == ("cleared", None)
    assert _outcome(later) == ("pending", None)
    assert _transfers() == transfers
    assert list(db.session.scalars(select(Position.position))) == positions


HANDLES = [f"m{i}" for i in range(4)]
BATCHES = 6


def test_concurrent_batches_over_the_same_accounts_decide_each_trade_once(
    ctx, create_scheme, create_member
):
    slugs = ["wiltshire", "bright", "london"]
    for slug in slugs:
        scheme = create_scheme(slug, rate="10", default_min_balance="-1000.00")
        for handle in HANDLES:
            create_member(scheme, handle)
    set_limits("bright", max_deficit="3", max_surplus="3", actor=None)
    db.session.commit()
    ids = [
        _trade(f"{slugs[i % 3]}/{HANDLES[i % 4]}", f"{slugs[(i + 1) % 3]}/{HANDLES[i // 3 % 4]}")
        for i in range(48)
    ]
    decided: list = []
    errors: list[BaseException] = []
    start = threading.Barrier(BATCHES)

    def batch(index):
        try:
            with ctx.app_context():
                scope.allow_all()  # a worker's view: the hub's
                start.wait()
                mine = clear_batch(ids[index * 8], extra=12)
                db.session.commit()
                decided.extend(d.trade.id for d in mine)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    db.session.commit()  # the test's own session holds no transaction (SQLite's lock)
    threads = [threading.Thread(target=batch, args=(i,)) for i in range(BATCHES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert set(Counter(decided).values()) == {1}
    states = Counter(db.session.scalars(select(Trade.state).where(Trade.id.in_(decided))))
    assert states["cleared"] > 0
    assert _transfers() == len(ids) + states["cleared"]
    assert invariants.run_all() == []


@pytest.fixture
def past_its_deadline(monkeypatch):
    """A clearing job whose ``KEEP_GOING`` has run out after its first batch."""
    monkeypatch.setattr(tasks, "KEEP_GOING", 0)


def _clearing_job(trade_id):
    """The clearing job's body, in this test's app, as a worker runs it (for the hub)."""
    scope.allow_all()
    tasks.clear_trade.fn.__wrapped__(str(trade_id))
    db.session.commit()


def test_after_withdrawing_its_mark_a_job_clears_once_more_and_stops(
    world, past_its_deadline, monkeypatch
):
    # a trade commits before every pass the job makes, as under steady load
    first = _trade("wiltshire/alice", "bright/bob", "1.00")
    passes: list[object] = []
    real = tasks.clear_batch

    def trade_keeps_coming(trade_id, **kwargs):
        passes.append(trade_id)
        if len(passes) > 10:
            raise AssertionError("the job goes on for as long as trades keep coming")
        _trade("bright/bob", "london/ines", "1.00")
        return real(trade_id, **kwargs)

    monkeypatch.setattr(tasks, "clear_batch", trade_keeps_coming)
    _clearing_job(first)

    # its own batch (with the trade that came meanwhile), then one pass after the release
    assert passes == [str(first), None]
    states = Counter(db.session.scalars(select(Trade.state)))
    assert states == {"cleared": 3}


def test_after_withdrawing_its_mark_a_job_goes_on_while_its_batches_are_full(
    app, world, past_its_deadline
):
    app.config["LETS_FEDERATION_BATCH_SIZE"] = 2
    try:
        ids = [_trade("wiltshire/alice", "bright/bob", "1.00") for _ in range(6)]
        _clearing_job(ids[0])
    finally:
        app.config["LETS_FEDERATION_BATCH_SIZE"] = DEFAULT_BATCH_SIZE

    # 3 in its own batch, then 2 (full: there may be more) and 1 after the release
    states = Counter(db.session.scalars(select(Trade.state)))
    assert states == {"cleared": 6}
