"""The rounding rule of inter-scheme trade, as properties over random rates, amounts,
currencies, decimals and sequences of trades: whoever pays pays rounded up, whoever
receives receives rounded down, so nobody ends better off than the exact rates allow, and
each scheme keeps the (never negative) residue exactly."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from lets_federation.units import Quote, Side, from_fed, parse_rate, quote, to_fed
from lets_platform.errors import LetsError

#: Rates as the API takes them ("25/2"), parsed by the one parser.
rates = st.builds(
    lambda num, den: parse_rate(f"{num}/{den}"),
    st.integers(1, 10**6),
    st.integers(1, 10**4),
)
sides = st.builds(Side, st.integers(0, 4), rates)
amounts = st.integers(1, 10**9)
currencies = st.sampled_from(["payer", "payee"])


def _quote(amount: int, currency: str, payer: Side, payee: Side) -> Quote | None:
    try:
        return quote(amount, currency, payer, payee)
    except LetsError:  # too small or too large to convert: refused, nothing moves
        return None


@given(sides, sides, amounts, currencies)
def test_the_payer_pays_at_least_and_the_payee_gets_at_most_the_federation_amount(
    payer, payee, amount, currency
):
    q = _quote(amount, currency, payer, payee)
    if q is None:
        return
    assert to_fed(q.payer_amount, payer) >= q.fed_amount >= to_fed(q.payee_amount, payee)
    assert q.payer_residue >= 0 and q.payee_residue >= 0
    assert q.payer_residue == q.payer_amount - from_fed(q.fed_amount, payer)
    assert q.payee_residue == from_fed(q.fed_amount, payee) - q.payee_amount


#: One trade of a sequence: from which of the trader's accounts to which, how much, named how.
trades = st.tuples(st.integers(0, 2), st.integers(0, 2), amounts, currencies)


@settings(max_examples=300)
@given(st.lists(sides, min_size=2, max_size=3), st.lists(trades, min_size=1, max_size=60))
def test_no_sequence_of_trades_between_ones_own_accounts_gains_anything(schemes, sequence):
    """One person with an account in each scheme trades back and forth (round trips
    included): what they hold, valued at the exact rates, never grows."""
    balances = [0] * len(schemes)
    for source, target, amount, currency in sequence:
        a, b = source % len(schemes), target % len(schemes)
        if a == b:
            continue
        q = _quote(amount, currency, schemes[a], schemes[b])
        if q is None:
            continue
        balances[a] -= q.payer_amount
        balances[b] += q.payee_amount
    worth = sum(to_fed(balance, side) for balance, side in zip(balances, schemes, strict=True))
    assert worth <= 0


@settings(max_examples=200)
@given(sides, sides, st.lists(st.tuples(amounts, currencies), min_size=1, max_size=40))
def test_round_trips_never_gain_in_either_currency(here, there, legs):
    """Out and back again, each time naming either side: the trader never ends with more
    of one currency without having less of the other (and never more value)."""
    balance = [0, 0]
    for amount, currency in legs:
        out = _quote(amount, currency, here, there)
        if out is None:
            continue
        back = _quote(out.payee_amount, "payer", there, here)
        balance[0] -= out.payer_amount
        balance[1] += out.payee_amount
        if back is not None:
            balance[1] -= back.payer_amount
            balance[0] += back.payee_amount
    assert to_fed(balance[0], here) + to_fed(balance[1], there) <= 0
    assert not (balance[0] > 0 and balance[1] >= 0)
    assert not (balance[1] > 0 and balance[0] >= 0)


@settings(max_examples=300)
@given(st.lists(sides, min_size=2, max_size=5), st.lists(trades, min_size=1, max_size=80))
def test_each_scheme_keeps_its_residue_exactly(schemes, sequence):
    """For every scheme: federation account + position changes at the trades' rates ==
    residue, exactly (the audit's identity), and the residue never goes below zero."""
    n = len(schemes)
    account, at_rates = [0] * n, [Fraction(0)] * n
    residue, position = [Fraction(0)] * n, [0] * n
    for source, target, amount, currency in sequence:
        a, b = source % n, (source + 1 + target) % n
        if a == b:
            continue
        q = _quote(amount, currency, schemes[a], schemes[b])
        if q is None:
            continue
        account[a] += q.payer_amount
        account[b] -= q.payee_amount
        position[a] -= q.fed_amount
        position[b] += q.fed_amount
        at_rates[a] -= from_fed(q.fed_amount, schemes[a])
        at_rates[b] += from_fed(q.fed_amount, schemes[b])
        residue[a] += q.payer_residue
        residue[b] += q.payee_residue
    assert sum(position) == 0
    for i in range(n):
        assert account[i] + at_rates[i] == residue[i] >= 0


@given(sides, sides, st.integers(-(10**9), 10**9).filter(bool))
def test_a_migrated_balance_never_grows_in_value_whether_credit_or_debit(closing, dest, balance):
    """The balance migration quotes as ``migration.moves`` does (exact on the closing
    side): a creditor receives at most their credit's worth, and a debtor's debt at the
    destination is at least what it was worth (rounded up against the debtor)."""
    if balance > 0:  # the member pays the credit out: received rounded down
        q = _quote(balance, "payer", closing, dest)
        if q is not None:
            assert to_fed(q.payee_amount, dest) <= to_fed(balance, closing)
    else:  # the destination account pays the debt in: paid rounded up
        q = _quote(-balance, "payee", dest, closing)
        if q is not None:
            assert to_fed(q.payer_amount, dest) >= to_fed(-balance, closing)
