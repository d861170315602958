"""Federation limits: a scheme's maximum deficit and surplus and a pair's net flow stop
trade in the direction that would breach them, and only in that direction."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lets_federation.positions.models import PairFlow, Position
from lets_federation.positions.operations import list_positions, set_limits, set_pair_limit
from lets_federation.trades.operations import create_trade, settle
from lets_platform import invariants
from lets_platform.db import db
from lets_platform.errors import LetsError


@pytest.fixture
def world(create_scheme, create_member):
    """Three schemes at 10 units an hour, with a member each and room to trade."""
    schemes = {
        slug: create_scheme(slug, rate="10", default_min_balance="-1000.00")
        for slug in ("wiltshire", "bright", "london")
    }
    for slug, handle in (("wiltshire", "alice"), ("bright", "bob"), ("london", "ines")):
        create_member(schemes[slug], handle)
    return SimpleNamespace(**schemes)


def _pay(payer, payee, amount="10.00"):
    """Trade and settle; returns the decided trade."""
    trade = create_trade(None, payer=payer, payee=payee, amount=amount, currency="payer")
    db.session.commit()
    decided = settle(trade.id)
    db.session.commit()
    return decided


def _position(scheme):
    return db.session.scalar(select(Position.position).where(Position.scheme_id == scheme.id))


def _limits(slug, deficit=None, surplus=None):
    set_limits(slug, max_deficit=deficit, max_surplus=surplus, actor=None)
    db.session.commit()


def test_a_trade_beyond_the_payers_deficit_limit_is_rejected(world):
    _limits("wiltshire", deficit="1.5")
    assert _pay("wiltshire/alice", "bright/bob").state == "cleared"  # one hour

    refused = _pay("wiltshire/alice", "bright/bob")

    assert (refused.state, refused.reason) == ("rejected", "exceeds_federation_limit")
    assert _position(world.wiltshire) == -(10**6)
    assert invariants.run_all() == []


def test_trade_up_to_the_limit_exactly_passes(world):
    _limits("wiltshire", deficit="1")

    assert _pay("wiltshire/alice", "bright/bob").state == "cleared"


def test_a_trade_beyond_the_payees_surplus_limit_is_rejected(world):
    _limits("bright", surplus="0.5")

    refused = _pay("wiltshire/alice", "bright/bob")

    assert refused.reason == "exceeds_federation_limit"
    assert _position(world.bright) == 0


def test_trade_in_the_other_direction_still_flows_at_the_limit(world):
    _limits("wiltshire", deficit="1")
    _pay("wiltshire/alice", "bright/bob")
    assert _pay("wiltshire/alice", "bright/bob").state == "rejected"

    back = _pay("bright/bob", "wiltshire/alice", "5.00")

    assert back.state == "cleared"
    assert _position(world.wiltshire) == -500_000


def test_a_limit_set_below_the_position_still_lets_trade_reduce_the_breach(world):
    for _ in range(3):
        _pay("wiltshire/alice", "bright/bob")
    _limits("wiltshire", deficit="1")

    assert _pay("wiltshire/alice", "bright/bob", "0.10").state == "rejected"
    assert _pay("bright/bob", "wiltshire/alice", "5.00").state == "cleared"
    assert _position(world.wiltshire) == -2_500_000


def test_a_pair_limit_stops_the_pair_but_not_other_pairs(world):
    set_pair_limit("wiltshire", "bright", max_net_flow="1", actor=None)
    db.session.commit()
    assert _pay("wiltshire/alice", "bright/bob").state == "cleared"

    refused = _pay("wiltshire/alice", "bright/bob")
    elsewhere = _pay("wiltshire/alice", "london/ines")

    assert (refused.state, refused.reason) == ("rejected", "exceeds_federation_limit")
    assert elsewhere.state == "cleared"


def test_a_pair_limit_binds_both_ways_and_lets_the_flow_come_back(world):
    set_pair_limit("bright", "wiltshire", max_net_flow="1", actor=None)
    db.session.commit()

    assert _pay("bright/bob", "wiltshire/alice", "10.00").state == "cleared"
    assert _pay("bright/bob", "wiltshire/alice", "0.10").state == "rejected"
    assert _pay("wiltshire/alice", "bright/bob", "20.00").state == "cleared"
    pair = db.session.scalar(select(PairFlow))
    wiltshire_paid_bright = 10**6  # two hours out, one hour in
    sign = 1 if pair.scheme_a_id == world.wiltshire.id else -1
    assert pair.net_flow == sign * wiltshire_paid_bright


def test_positions_sum_to_zero_after_many_trades(world):
    routes = [
        ("wiltshire/alice", "bright/bob"),
        ("bright/bob", "london/ines"),
        ("london/ines", "wiltshire/alice"),
        ("wiltshire/alice", "london/ines"),
    ]
    for i in range(12):
        payer, payee = routes[i % len(routes)]
        _pay(payer, payee, f"{i + 1}.{i:02d}")

    assert db.session.scalar(select(func.sum(Position.position))) == 0
    assert sum(p.position for _, p in list_positions()) == 0
    assert invariants.run_all() == []


def test_limits_must_be_federation_amounts(world):
    with pytest.raises(LetsError) as refused:
        set_limits("wiltshire", max_deficit="1.0000001", max_surplus=None, actor=None)
    assert refused.value.code == "amount_invalid"

    with pytest.raises(LetsError) as negative:
        set_limits("wiltshire", max_deficit="-1", max_surplus=None, actor=None)
    assert negative.value.code == "validation_failed"


def test_a_pair_of_one_scheme_is_refused(world):
    with pytest.raises(LetsError) as refused:
        set_pair_limit("bright", "bright", max_net_flow="1", actor=None)
    assert refused.value.code == "use_scheme_transfer"


def test_removing_a_limit_lets_trade_flow_again(world):
    _limits("wiltshire", deficit="0")
    assert _pay("wiltshire/alice", "bright/bob").state == "rejected"

    _limits("wiltshire", deficit=None)

    assert _pay("wiltshire/alice", "bright/bob").state == "cleared"
