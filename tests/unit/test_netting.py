"""Netting arithmetic, with figures worked out by hand (micro federation units)."""

from __future__ import annotations

import pytest

from lets_federation.clearing.netting import Flow, near_limit, net

A, B, C, D = 1, 2, 3, 4


def test_a_cycle_nets_to_zero_multilaterally() -> None:
    result = net([Flow(A, B, 100), Flow(B, C, 100), Flow(C, A, 100)])

    assert (result.gross, result.bilateral_net, result.multilateral_net) == (300, 300, 0)
    assert result.cycle_saving == 300
    assert all(s.net == 0 for s in result.schemes.values())


def test_a_pair_trading_both_ways_settles_only_the_difference() -> None:
    result = net([Flow(A, B, 70, trades=3), Flow(B, A, 30, trades=2)])

    pair = result.pairs[(A, B)]
    assert (pair.a_to_b, pair.b_to_a, pair.net, pair.trades) == (70, 30, -40, 5)
    assert (result.gross, result.bilateral_net, result.multilateral_net) == (100, 40, 40)
    assert result.cycle_saving == 0


def test_pairs_are_keyed_low_id_first_whatever_the_direction() -> None:
    result = net([Flow(C, A, 5)])

    pair = result.pairs[(A, C)]
    assert (pair.a_to_b, pair.b_to_a, pair.net) == (0, 5, 5)


def test_hand_computed_four_schemes() -> None:
    # A->B 50, B->A 20, B->C 40, C->A 25, A->D 10, D->C 15
    flows = [Flow(A, B, 50), Flow(B, A, 20), Flow(B, C, 40), Flow(C, A, 25)]
    result = net([*flows, Flow(A, D, 10), Flow(D, C, 15)])

    # A: received 20 + 25 = 45, paid 50 + 10 = 60 -> -15
    # B: received 50, paid 20 + 40 = 60 -> -10;  C: received 55, paid 25 -> +30;  D: -5
    assert {s: n.net for s, n in result.schemes.items()} == {A: -15, B: -10, C: 30, D: -5}
    assert result.gross == 160
    # |50-20| + |40| + |25| + |10| + |15| = 30 + 40 + 25 + 10 + 15
    assert result.bilateral_net == 120
    assert result.multilateral_net == 30
    assert (result.bilateral_saving, result.cycle_saving) == (40, 90)


def test_positions_sum_to_zero() -> None:
    result = net([Flow(A, B, 7), Flow(C, B, 11), Flow(B, D, 3), Flow(D, A, 1)])

    assert sum(s.net for s in result.schemes.values()) == 0
    assert result.multilateral_net == sum(-s.net for s in result.schemes.values() if s.net < 0)


def test_flows_within_one_scheme_count_as_trades_but_move_nothing() -> None:
    result = net([Flow(A, A, 99, trades=4), Flow(A, B, 1)])

    assert result.trades == 5
    assert result.gross == 1
    assert list(result.pairs) == [(A, B)]


def test_repeated_flows_for_a_pair_are_added_up() -> None:
    result = net([Flow(A, B, 10), Flow(A, B, 15)])

    assert result.pairs[(A, B)].a_to_b == 25


def test_no_flows_means_nothing_to_net() -> None:
    result = net([])

    assert (result.gross, result.bilateral_net, result.multilateral_net, result.trades) == (
        0,
        0,
        0,
        0,
    )


def test_a_negative_flow_is_refused() -> None:
    with pytest.raises(ValueError):
        net([Flow(A, B, -1)])


@pytest.mark.parametrize(
    ("position", "expected"),
    [(-79, ""), (-80, "deficit"), (-120, "deficit"), (159, ""), (160, "surplus"), (0, "")],
)
def test_near_limit_flags_from_eighty_percent(position: int, expected: str) -> None:
    assert near_limit(position, max_deficit=100, max_surplus=200, percent=80) == expected


def test_no_limit_is_never_near() -> None:
    assert near_limit(-(10**12), max_deficit=None, max_surplus=None, percent=80) == ""
