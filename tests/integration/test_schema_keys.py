"""The database itself refuses a ledger row whose scheme is not its accounts' scheme.

Payments and trades carry no foreign key of their own to ``schemes`` (migration 0010: it
made every payment lock the scheme's row); the composite keys to ``accounts (scheme_id,
id)`` are what proves the scheme. These tests write rows past the operations layer, as a
faulty job or a hand-made fix might, and expect the database to say no.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from lets_federation.trades.models import Trade
from lets_platform.db import db, utcnow
from lets_tenants.accounts.operations import get_account
from lets_tenants.ledger.models import Transfer


def _transfer(scheme_id: int, payer_id: int, payee_id: int) -> dict[str, object]:
    now = utcnow()
    return {
        "id": uuid.uuid4(),
        "scheme_id": scheme_id,
        "payer_id": payer_id,
        "payee_id": payee_id,
        "amount": 100,
        "memo": "",
        "state": "posted",
        "kind": "payment",
        "channel": "online",
        "created_at": now,
        "posted_at": now,
    }


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("scheme", ["another scheme", "no scheme at all"])
def test_a_transfer_must_be_in_the_scheme_of_its_accounts(scheme, create_scheme, create_member):
    wiltshire, bright = create_scheme("wiltshire"), create_scheme("bright")
    for handle in ("alice", "bob"):
        create_member(wiltshire, handle)
    alice, bob = get_account(wiltshire, "alice"), get_account(wiltshire, "bob")
    scheme_id = bright.id if scheme == "another scheme" else bright.id + 1000
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Transfer), [_transfer(scheme_id, alice.id, bob.id)])
        db.session.flush()
    db.session.rollback()
    assert _count(Transfer) == 0


@pytest.mark.parametrize("side", ["payer", "payee"])
def test_a_trade_must_be_in_the_schemes_of_its_accounts(side, create_scheme, create_member):
    wiltshire, bright = create_scheme("wiltshire"), create_scheme("bright")
    create_member(wiltshire, "alice")
    create_member(bright, "bob")
    alice, bob = get_account(wiltshire, "alice"), get_account(bright, "bob")
    now = utcnow()
    row = {
        "id": uuid.uuid4(),
        "payer_scheme_id": wiltshire.id,
        "payer_account_id": alice.id,
        "payee_scheme_id": bright.id,
        "payee_account_id": bob.id,
        "currency": "payer",
        "payer_amount": 100,
        "payee_amount": 100,
        "fed_amount": 100,
        "payer_rate_num": 1,
        "payer_rate_den": 1,
        "payee_rate_num": 1,
        "payee_rate_den": 1,
        "state": "pending",
        "memo": "",
        "created_at": now,
        "expires_at": now,
    }
    # the account stays; the scheme it is said to be in does not exist
    row[f"{side}_scheme_id"] = bright.id + wiltshire.id + 1000
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Trade), [row])
        db.session.flush()
    db.session.rollback()
    assert _count(Trade) == 0
