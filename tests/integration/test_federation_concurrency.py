"""Many threads starting and settling trades over shared accounts, each trade settled by
two threads at once, with real commits: every trade is decided exactly once, no limit is
breached, positions sum to zero and every audit check passes.

On PostgreSQL these are truly concurrent transactions (CI runs them there); on SQLite the
same test checks that writers queue instead of failing.
"""

from __future__ import annotations

import random
import threading
from collections import Counter

from sqlalchemy import func, select

from lets_federation.positions.models import Position
from lets_federation.positions.operations import set_limits, set_pair_limit
from lets_federation.trades.models import Trade
from lets_federation.trades.operations import create_trade, settle
from lets_platform import invariants
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_tenants.ledger.models import Transfer

SCHEMES = {"wiltshire": "10", "bright": "12", "london": "25/2"}
HANDLES = ["m0", "m1", "m2"]
THREADS = 6


def _world(create_scheme, create_member) -> list[str]:
    for slug, rate in SCHEMES.items():
        scheme = create_scheme(slug, rate=rate, default_min_balance="-40.00")
        for handle in HANDLES:
            create_member(scheme, handle, max_balance="60.00")
        set_limits(slug, max_deficit="4", max_surplus="5", actor=None)
    set_pair_limit("wiltshire", "bright", max_net_flow="3", actor=None)
    db.session.commit()
    return [f"{slug}/{handle}" for slug in SCHEMES for handle in HANDLES]


def _run_in_threads(app, work) -> None:
    errors: list[BaseException] = []
    db.session.commit()  # the test's own session holds no transaction (SQLite lock)

    def run(index):
        try:
            with app.app_context():
                work(index)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_concurrent_trades_and_settlements_keep_every_invariant(
    ctx, backend, create_scheme, create_member
):
    addresses = _world(create_scheme, create_member)
    rounds = 25 if backend == "postgresql" else 8
    started: list = []
    refused: Counter[str] = Counter()
    lock = threading.Lock()

    def trade_and_settle(index):
        from lets_platform.tenancy import scope

        scope.allow_all()  # a worker's view: the hub's
        rng = random.Random(index)
        for _ in range(rounds):
            payer, payee = rng.sample(addresses, 2)
            if payer.split("/")[0] == payee.split("/")[0]:
                continue
            try:
                trade = create_trade(
                    None,
                    payer=payer,
                    payee=payee,
                    amount=f"{rng.randint(100, 1500) / 100:.2f}",
                    currency=rng.choice(["payer", "payee"]),
                )
                trade_id = trade.id
                db.session.commit()
            except LetsError as exc:
                db.session.rollback()
                with lock:
                    refused[exc.code] += 1
                continue
            with lock:
                started.append(trade_id)
                other = rng.choice(started)
            for tid in (trade_id, other):  # settle ours and someone's, maybe at once
                settle(tid)
                db.session.commit()

    _run_in_threads(ctx, trade_and_settle)

    for trade_id in started:  # what no thread settled (none should be left)
        settle(trade_id)
    db.session.commit()
    states = Counter(db.session.scalars(select(Trade.state)))
    assert states["cleared"] > 0
    assert set(states) <= {"cleared", "rejected"}
    assert sum(states.values()) == len(started)
    assert set(refused) <= {"exceeds_credit_limit"}
    transfers = db.session.scalar(select(func.count()).select_from(Transfer))
    assert transfers == 2 * states["cleared"] + states["rejected"]
    positions = list(db.session.scalars(select(Position)))
    assert sum(p.position for p in positions) == 0
    assert all(-4 * 10**6 <= p.position <= 5 * 10**6 for p in positions)
    assert invariants.run_all() == []
