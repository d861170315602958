"""The life of an inter-scheme trade: held, then cleared exactly once, or rejected or
expired with its hold released and a named reason; replays by id return the original."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lets_federation.positions.models import Position
from lets_federation.trades.models import Trade
from lets_federation.trades.operations import create_trade, settle, sweep
from lets_platform import invariants
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import change_account, get_account
from lets_tenants.ledger.models import Transfer


@pytest.fixture
def world(create_scheme, create_member):
    """Wiltshire (WES, 10 an hour) and Bright (Links, 12 an hour); alice and bob."""
    wiltshire = create_scheme("wiltshire", currency_code="WES", rate="10")
    bright = create_scheme("bright", currency_code="LNK", rate="12")
    alice = create_member(wiltshire, "alice")
    bob = create_member(bright, "bob")
    return SimpleNamespace(wiltshire=wiltshire, bright=bright, alice=alice, bob=bob)


def _trade(person=None, **fields):
    request = {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "10.00"}
    trade = create_trade(person, **{**request, "currency": "payer", **fields})
    db.session.commit()
    return trade


def _settle(trade_id, **kwargs):
    trade = settle(trade_id, **kwargs)
    db.session.commit()
    return trade


def _account(scheme, name):
    account = get_account(scheme, name)
    db.session.refresh(account)
    return account


def test_a_new_trade_is_pending_and_holds_the_payers_funds(world):
    trade = _trade(world.alice)

    alice = _account(world.wiltshire, "alice")
    assert trade.state == "pending"
    assert (alice.balance, alice.held) == (0, 1000)
    assert (trade.payer_amount, trade.fed_amount, trade.payee_amount) == (1000, 10**6, 1200)
    assert _account(world.bright, "bob").balance == 0


def test_settling_posts_both_legs_and_moves_the_positions(world):
    trade = _settle(_trade(world.alice).id)

    assert trade.state == "cleared"
    assert _account(world.wiltshire, "alice").balance == -1000
    assert _account(world.wiltshire, "federation").balance == 1000
    assert _account(world.bright, "federation").balance == -1200
    assert _account(world.bright, "bob").balance == 1200
    positions = dict(db.session.execute(select(Position.scheme_id, Position.position)).all())
    assert positions == {world.wiltshire.id: -(10**6), world.bright.id: 10**6}
    assert invariants.run_all() == []


def test_settling_twice_changes_nothing_the_second_time(world):
    trade_id = _trade(world.alice).id
    _settle(trade_id)

    again = _settle(trade_id)

    assert again.state == "cleared"
    assert _account(world.bright, "bob").balance == 1200
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == 2
    assert invariants.run_all() == []


def test_settling_an_unknown_trade_does_nothing(world):
    assert settle(uuid.uuid4()) is None


def test_the_payee_side_can_be_named_exactly(world):
    trade = _settle(_trade(world.alice, amount="10.00", currency="payee").id)

    assert trade.payee_amount == 1000
    assert trade.payer_amount == 834  # 8.33334 WES, rounded up
    assert _account(world.bright, "bob").balance == 1000
    assert invariants.run_all() == []


def test_a_closed_payee_account_rejects_the_trade_and_releases_the_hold(world):
    trade_id = _trade(world.alice).id
    change_account(world.bright, "bob", actor=None, status="closed")
    db.session.commit()

    trade = _settle(trade_id)

    assert (trade.state, trade.reason) == ("rejected", "account_closed")
    alice = _account(world.wiltshire, "alice")
    assert (alice.balance, alice.held) == (0, 0)
    assert invariants.run_all() == []


def test_the_payees_upper_limit_rejects_the_trade(world):
    change_account(world.bright, "bob", actor=None, max_balance="5.00")
    db.session.commit()

    trade = _settle(_trade(world.alice).id)

    assert (trade.state, trade.reason) == ("rejected", "exceeds_upper_limit")
    assert _account(world.wiltshire, "alice").held == 0
    assert db.session.scalar(select(Position.position).where(Position.scheme_id == 1)) == 0
    assert invariants.run_all() == []


def test_a_payee_scheme_that_stopped_trading_rejects_the_trade(world):
    trade_id = _trade(world.alice).id
    db.session.get_one(Scheme, world.bright.id).status = "closed"
    db.session.commit()

    trade = _settle(trade_id)

    assert (trade.state, trade.reason) == ("rejected", "scheme_not_trading")
    assert _account(world.wiltshire, "alice").held == 0


def test_a_trade_past_its_time_expires_when_settled(world):
    trade = _trade(world.alice)

    expired = _settle(trade.id, now=trade.expires_at + timedelta(seconds=1))

    assert (expired.state, expired.reason) == ("expired", "trade_expired")
    assert _account(world.wiltshire, "alice").held == 0
    assert invariants.run_all() == []


def test_the_sweep_expires_overdue_trades_and_leaves_young_ones(world, ctx):
    old = _trade(world.alice)
    ttl = ctx.config["LETS_FEDERATION_TRADE_TTL"]
    ctx.config["LETS_FEDERATION_TRADE_TTL"] = ttl * 2  # a trade's expiry is never rewritten
    try:
        young = _trade(world.alice, amount="1.00")
    finally:
        ctx.config["LETS_FEDERATION_TRADE_TTL"] = ttl

    report = sweep(now=old.expires_at + timedelta(seconds=1))
    db.session.commit()

    assert report.expired == 1
    assert db.session.get_one(Trade, old.id).state == "expired"
    assert db.session.get_one(Trade, young.id).state == "pending"
    assert _account(world.wiltshire, "alice").held == 100


def test_the_sweep_resends_clearing_for_stale_pending_trades(world, ctx):
    ctx.config["LETS_FEDERATION_RESEND_AFTER"] = 0
    try:
        _trade(world.alice)
        report = sweep()
        db.session.commit()
    finally:
        ctx.config["LETS_FEDERATION_RESEND_AFTER"] = 60

    assert report == type(report)(expired=0, resent=1)


def test_a_replay_by_id_returns_the_original_and_holds_nothing_twice(world):
    trade_id = uuid.uuid4()
    first = _trade(world.alice, trade_id=trade_id)

    again = _trade(world.alice, trade_id=str(trade_id))

    assert again.id == first.id
    assert _account(world.wiltshire, "alice").held == 1000
    assert db.session.scalar(select(func.count()).select_from(Trade)) == 1


def test_a_replay_with_other_fields_is_refused(world):
    trade_id = uuid.uuid4()
    _trade(world.alice, trade_id=trade_id)

    with pytest.raises(LetsError) as refused:
        _trade(world.alice, trade_id=trade_id, amount="11.00")

    assert refused.value.code == "exists_with_different_fields"
    assert "fields" not in refused.value.extra


def test_a_payer_without_the_credit_gets_exceeds_credit_limit_and_nothing_is_written(world):
    with pytest.raises(LetsError) as refused:
        _trade(world.alice, amount="100.01")  # the credit limit is 100.00

    db.session.rollback()
    assert refused.value.code == "exceeds_credit_limit"
    assert db.session.scalar(select(func.count()).select_from(Trade)) == 0
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == 0


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"payee": "wiltshire/bob"}, "use_scheme_transfer"),
        ({"payer": "nowhere/alice"}, "payer_not_found"),
        ({"payer": "wiltshire/zed"}, "payer_not_found"),
        ({"payer": "wiltshire/federation"}, "account_not_manageable"),
        ({"payee": "bright/zed"}, "payee_not_found"),
        ({"payee": "nowhere/bob"}, "payee_not_found"),
        ({"payee": "bob"}, "validation_failed"),
        ({"amount": None}, "amount_invalid"),
        ({"amount": "1.001"}, "amount_invalid"),
        ({"amount": 10.5}, "amount_invalid"),
        ({"amount": "0.00"}, "amount_must_be_positive"),
        ({"amount": "-1.00"}, "amount_must_be_positive"),
        ({"id": "not-a-uuid"}, "validation_failed"),
    ],
)
def test_bad_requests_get_their_own_error_and_write_nothing(world, fields, code):
    request = {"payer": "wiltshire/alice", "payee": "bright/bob", "amount": "1.00"}
    request.update(fields)
    trade_id = request.pop("id", None)
    with pytest.raises(LetsError) as refused:
        create_trade(world.alice, currency="payer", trade_id=trade_id, **request)

    db.session.rollback()
    assert refused.value.code == code
    assert db.session.scalar(select(func.count()).select_from(Trade)) == 0


def test_a_memo_of_the_longest_length_clears_with_legs_that_quote_it(world):
    trade = _settle(_trade(world.alice, memo="x" * 500).id)

    assert trade.state == "cleared"
    assert trade.memo == "x" * 500
    assert all(len(t.memo) == 500 for t in db.session.scalars(select(Transfer)))


def test_an_unknown_currency_side_is_validation_failed(world):
    with pytest.raises(LetsError) as refused:
        create_trade(
            world.alice, payer="wiltshire/alice", payee="bright/bob", amount="1", currency="x"
        )
    assert refused.value.code == "validation_failed"


def test_a_member_cannot_trade_from_anothers_account(world, create_member):
    mallory = create_member(world.wiltshire, "mallory")

    with pytest.raises(LetsError) as refused:
        _trade(mallory)

    assert refused.value.code == "not_permitted"


def test_an_organiser_trades_on_behalf_of_a_member(world, create_member):
    carol = create_member(world.wiltshire, "carol", organiser=True)

    trade = _trade(carol)

    assert trade.state == "pending"
    assert trade.created_by_id == carol.id


def test_a_rate_change_applies_to_new_trades_and_old_ones_keep_theirs(world):
    from lets_federation.rates.operations import set_rate

    old = _trade(world.alice)
    set_rate("bright", "15", actor=None)
    db.session.commit()
    new = _trade(world.alice)

    assert (old.payee_rate_num, old.payee_amount) == (12, 1200)
    assert (new.payee_rate_num, new.payee_amount) == (15, 1500)
    _settle(old.id)
    _settle(new.id)
    assert invariants.run_all() == []


def test_accounts_of_both_schemes_stay_zero_sum(world):
    for amount in ("1.00", "3.33", "7.77"):
        _settle(_trade(world.alice, amount=amount).id)
        _settle(_trade(world.bob, payer="bright/bob", payee="wiltshire/alice", amount=amount).id)

    sums = db.session.execute(
        select(Account.scheme_id, func.sum(Account.balance)).group_by(Account.scheme_id)
    ).all()
    assert {int(total) for _, total in sums} == {0}
    assert invariants.run_all() == []
