"""Conversions between currencies through the federation unit: exact, rounded at the
target's smallest unit against the trader (the payer pays rounded up, the payee receives
rounded down), and with every rounding residue accounted for."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from lets_federation.units import (
    FED_SCALE,
    AmountTooSmall,
    Side,
    format_fed,
    from_fed,
    parse_fraction,
    parse_rate,
    quote,
    round_down,
    round_up,
    store_fraction,
    to_fed,
)
from lets_platform.errors import AmountTooLarge, LetsError

WES = Side(decimals=2, rate=Fraction(10))
LINKS = Side(decimals=2, rate=Fraction(12))
HOURS = Side(decimals=0, rate=Fraction(1))
SEVENTHS = Side(decimals=3, rate=Fraction(22, 7))


def test_ten_wes_units_are_one_federation_unit_and_twelve_links():
    q = quote(1000, "payer", WES, LINKS)

    assert (q.payer_amount, q.fed_amount, q.payee_amount) == (1000, FED_SCALE, 1200)
    assert q.payer_residue == 0 and q.payee_residue == 0


def test_the_side_the_client_names_is_exact():
    q = quote(1000, "payee", WES, LINKS)  # ten Links to be received

    assert q.payee_amount == 1000
    assert q.fed_amount == 833_334  # 0.8333333... units, rounded up to the micro unit
    assert q.payer_amount == 834  # 8.33334 WES, rounded up to the penny


def test_a_payee_named_amount_is_paid_for_rounded_up():
    # 0.125 hours is 1.25 WES... at rate 10 with 1 decimal: 1.25 -> 1.3, never 1.2
    one_decimal = Side(decimals=1, rate=Fraction(10))
    q = quote(125_000, "payee", one_decimal, Side(decimals=6, rate=Fraction(1)))

    assert q.fed_amount == 125_000
    assert q.payer_amount == 13


def test_a_payer_named_amount_is_received_rounded_down():
    q = quote(1000, "payer", LINKS, WES)  # 10 Links: 0.8333... hours, 8.333... WES

    assert (q.fed_amount, q.payee_amount) == (833_333, 833)


def test_rounding_goes_up_for_what_is_paid_and_down_for_what_is_received():
    halves = [Fraction(n, 2) for n in (1, 3, 5, -1, -3)]
    assert [round_up(x) for x in halves] == [1, 2, 3, 0, -1]
    assert [round_down(x) for x in halves] == [0, 1, 2, -1, -2]


def test_residues_are_the_exact_difference_between_legs_and_the_federation_amount():
    q = quote(1000, "payee", WES, LINKS)

    assert q.payer_residue == q.payer_amount - from_fed(q.fed_amount, WES)
    assert q.payee_residue == from_fed(q.fed_amount, LINKS) - q.payee_amount
    assert q.payer_residue > 0


def test_an_amount_that_rounds_to_nothing_is_refused():
    tiny = Side(decimals=0, rate=Fraction(10**9))

    with pytest.raises(AmountTooSmall):
        quote(1, "payer", tiny, WES)


def test_a_conversion_beyond_any_account_is_refused():
    huge = Side(decimals=0, rate=Fraction(1, 10**6))

    with pytest.raises(AmountTooLarge):
        quote(10**12, "payer", huge, WES)


@pytest.mark.parametrize("seed", range(5))
def test_no_unit_is_lost_over_many_trades_at_many_rates(seed):
    """Simulate each scheme's federation account and position over random trades: for
    every scheme, account balance + position changes at each trade's rate == residue."""
    rng = random.Random(seed)
    sides = [
        Side(rng.randint(0, 4), Fraction(rng.randint(1, 400), rng.randint(1, 30))) for _ in range(6)
    ]
    balance = [0] * len(sides)
    position = [0] * len(sides)
    at_rates = [Fraction(0)] * len(sides)
    residue = [Fraction(0)] * len(sides)
    for _ in range(400):
        a, b = rng.sample(range(len(sides)), 2)
        try:
            q = quote(rng.randint(1, 10**7), rng.choice(["payer", "payee"]), sides[a], sides[b])
        except LetsError:
            continue
        balance[a] += q.payer_amount
        balance[b] -= q.payee_amount
        position[a] -= q.fed_amount
        position[b] += q.fed_amount
        at_rates[a] -= from_fed(q.fed_amount, sides[a])
        at_rates[b] += from_fed(q.fed_amount, sides[b])
        residue[a] += q.payer_residue
        residue[b] += q.payee_residue
    assert sum(position) == 0
    for i in range(len(sides)):
        assert balance[i] + at_rates[i] == residue[i]


@pytest.mark.parametrize("seed", range(5))
def test_each_rounding_is_less_than_a_unit_and_kept_by_the_scheme(seed):
    rng = random.Random(seed)
    for _ in range(500):
        payer = Side(rng.randint(0, 4), Fraction(rng.randint(1, 999), rng.randint(1, 99)))
        payee = Side(rng.randint(0, 4), Fraction(rng.randint(1, 999), rng.randint(1, 99)))
        amount, currency = rng.randint(1, 10**8), rng.choice(["payer", "payee"])
        try:
            q = quote(amount, currency, payer, payee)
        except LetsError:
            continue
        named = payer if currency == "payer" else payee
        assert abs(q.fed_amount - to_fed(amount, named)) < 1
        assert 0 <= q.payer_residue < (1 if currency == "payee" else FED_SCALE)
        assert 0 <= q.payee_residue < (1 if currency == "payer" else FED_SCALE)


def test_whole_hours_convert_without_residue():
    q = quote(7, "payer", HOURS, WES)

    assert (q.fed_amount, q.payee_amount) == (7 * FED_SCALE, 7000)
    assert q.payer_residue == q.payee_residue == 0


def test_a_rate_of_sevenths_leaves_a_residue_of_sevenths():
    q = quote(1000, "payer", SEVENTHS, WES)  # 1.000 at 22/7 per hour

    assert q.fed_amount == round_down(Fraction(7 * FED_SCALE, 22))
    assert q.payer_residue > 0
    assert q.payer_amount == from_fed(q.fed_amount, SEVENTHS) + q.payer_residue


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("10", Fraction(10)),
        ("12.5", Fraction(25, 2)),
        ("25/2", Fraction(25, 2)),
        ("1/3", Fraction(1, 3)),
    ],
)
def test_rates_are_exact_fractions(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize(
    "text", ["0", "-1", "1/0", "3/0.00", "0/5", "1e3", "10.0.0", "", "ten", 10.5, 10, None, "1/"]
)
def test_bad_rates_are_rate_invalid(text):
    with pytest.raises(LetsError) as refused:
        parse_rate(text)
    assert refused.value.code == "rate_invalid"


def test_residues_are_stored_as_exact_fractions():
    value = Fraction(-22, 7)

    assert parse_fraction(store_fraction(value)) == value
    assert parse_fraction("0/1") == 0


def test_federation_amounts_are_shown_with_six_decimals():
    assert format_fed(12_500_000) == "12.500000"
    assert format_fed(-1) == "-0.000001"
