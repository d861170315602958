"""Under concurrent payments over shared accounts, with real commits, the books stay whole:
every scheme sums to zero, every balance equals its transfers, and no limit is ever breached.

On PostgreSQL these are truly concurrent transactions (CI runs them there); on SQLite the
same tests check that writers queue instead of failing.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from lets_platform import invariants
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.accounts.models import Account
from lets_tenants.ledger.models import Transfer
from lets_tenants.ledger.operations import pay, transfer

HANDLES = [f"m{i}" for i in range(8)]


def _transfer_and_commit(scheme, **fields):
    result = transfer(scheme, **fields)
    db.session.commit()
    return result


#: The two ways a payment reaches the ledger: inside a caller's unit of work, and as a
#: unit of work of its own (on PostgreSQL one server-side call in autocommit).
ENTRY_POINTS = pytest.mark.parametrize(
    "paying", [_transfer_and_commit, pay], ids=["transfer and commit", "pay"]
)


def _run_in_threads(app, count, work):
    errors: list[BaseException] = []
    db.session.commit()  # the test's own session must hold no transaction (SQLite lock)

    def run(index):
        try:
            with app.app_context():
                work(index)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@ENTRY_POINTS
def test_concurrent_payments_keep_every_invariant(
    ctx, backend, create_scheme, create_member, paying
):
    scheme = create_scheme("wiltshire", default_min_balance="-20.00")
    for handle in HANDLES:
        create_member(scheme, handle, max_balance="30.00")
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    payments = 60 if backend == "postgresql" else 25

    def pay_randomly(index):
        rng = random.Random(index)
        found = get_scheme("wiltshire")  # enters the scheme, as a request does
        for _ in range(payments):
            payer, payee = rng.sample(HANDLES, 2)
            amount = f"{rng.randint(1, 900) / 100:.2f}"
            try:
                paying(found, payer=payer, payee=payee, amount=amount, entered_by=None)
                result = "posted"
            except LetsError as exc:
                db.session.rollback()
                result = exc.code
            with lock:
                outcomes[result] += 1

    _run_in_threads(ctx, 8, pay_randomly)

    assert outcomes["posted"] > 0
    assert set(outcomes) <= {"posted", "exceeds_credit_limit", "exceeds_upper_limit"}
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == outcomes["posted"]
    assert invariants.run_all() == []
    floors = db.session.scalars(select(Account.balance - Account.held - Account.min_balance))
    assert min(floors) >= 0


@ENTRY_POINTS
def test_the_same_transfer_id_sent_concurrently_moves_money_once(
    ctx, create_scheme, create_member, paying
):
    scheme = create_scheme("wiltshire")
    create_member(scheme, "alice")
    create_member(scheme, "bob")
    transfer_id = uuid.uuid4()
    created: list[bool] = []

    def pay(_index):
        found = get_scheme("wiltshire")  # enters the scheme, as a request does
        result = paying(
            found, payer="alice", payee="bob", amount="5.00", id=transfer_id, entered_by=None
        )
        created.append(result.created)

    _run_in_threads(ctx, 6, pay)

    assert sorted(created) == [False] * 5 + [True]
    bob = db.session.scalar(select(Account).where(Account.name == "bob"))
    assert bob.balance == 500
    assert invariants.run_all() == []
