"""Federation units, exact rates and the one rounding rule of inter-scheme trade.

A federation amount is an integer of *micro* federation units (``FED_SCALE`` per unit).
A scheme's rate is an exact ``Fraction``: units of its currency per federation unit
(WES 10, Links 12, "25/2"). A trade is exact in the currency the client names; it is
converted to federation units, then to the other side's currency, each step rounded at
the target's smallest unit (the micro federation unit, then the other currency's minor
unit) **against the trader**: what the payer pays is rounded up, what the payee receives
is rounded down. So at the trade's exact rates the payer never pays less than the
federation amount is worth, and the payee never receives more: no sequence of trades
(round trips included) leaves anyone better off than exact conversion allows.

Nothing is lost to rounding: for each leg the *residue*, the exact difference (a
fraction of the scheme's minor unit, never negative) between what the leg moved and the
federation amount at the trade's rate, is kept by the scheme. For every scheme, exactly::

    federation account balance + sum(position changes at each trade's rate) == residue

where a position change is ``-fed_amount`` for the payer's scheme and ``+fed_amount``
for the payee's (positions are what the federation owes the scheme).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from lets_platform.errors import AmountTooLarge, ValidationFailed, _error
from lets_platform.money import MAX_MINOR_UNITS, format_amount, parse_signed
from lets_platform.tenancy.operations import parse_rate as _parse_positive_rate

#: Micro federation units per federation unit: federation amounts have 6 decimals.
FED_SCALE = 10**6
FED_DECIMALS = 6
#: No single trade may be worth more than this many micro federation units (10^9 units).
MAX_FED_MICRO = 10**15

AmountTooSmall = _error(
    "amount_too_small",
    422,
    "The amount rounds to nothing in federation units or on the other side.",
)

#: A stored fraction, as ``store_fraction`` writes it ("-3/7"), matched whole.
_FRACTION = re.compile(r"(-?[0-9]+)/([0-9]+)", re.ASCII)


@dataclass(frozen=True)
class Side:
    """One side of a trade: its currency's decimals and its rate (units per federation unit)."""

    decimals: int
    rate: Fraction


@dataclass(frozen=True)
class Quote:
    """The amounts of a trade and the residue each leg leaves in its scheme's minor units."""

    payer_amount: int
    payee_amount: int
    fed_amount: int
    #: payer_amount - fed_amount at the payer's rate (exact, minor units of the payer's currency)
    payer_residue: Fraction
    #: fed_amount at the payee's rate - payee_amount (exact, minor units of the payee's currency)
    payee_residue: Fraction


def round_up(value: Fraction) -> int:
    """The smallest integer not below ``value``: what a payer pays."""
    return math.ceil(value)


def round_down(value: Fraction) -> int:
    """The largest integer not above ``value``: what a payee receives."""
    return math.floor(value)


def to_fed(minor: int, side: Side) -> Fraction:
    """``minor`` units of a currency as exact micro federation units."""
    return Fraction(minor * FED_SCALE, 10**side.decimals) / side.rate


def from_fed(fed_micro: int, side: Side) -> Fraction:
    """``fed_micro`` micro federation units as exact minor units of a currency."""
    return Fraction(fed_micro, FED_SCALE) * side.rate * 10**side.decimals


def quote(amount: int, currency: str, payer: Side, payee: Side) -> Quote:
    """Convert a trade: ``amount`` (minor units) is exact on the side ``currency`` names.

    Named by the payer, the federation amount is what the amount is worth rounded down and
    the payee receives that rounded down; named by the payee, the federation amount is
    what the amount is worth rounded up and the payer pays that rounded up. Both residues
    are thus zero or more: the payer's scheme keeps what its member paid beyond the
    federation amount, the payee's what the federation amount gave beyond its member's.

    Raises:
        AmountTooSmall: the federation amount or the other side's amount rounds to zero.
        AmountTooLarge: beyond ``MAX_FED_MICRO`` or an account's hard cap.
    """
    if currency == "payer":
        fed = round_down(to_fed(amount, payer))
        converted = round_down(from_fed(fed, payee))
    else:
        fed = round_up(to_fed(amount, payee))
        converted = round_up(from_fed(fed, payer))
    if fed > MAX_FED_MICRO:
        raise AmountTooLarge(f"The trade is worth more than {format_fed(MAX_FED_MICRO)} units.")
    if fed <= 0 or converted <= 0:
        raise AmountTooSmall("The amount is too small to convert between the two currencies.")
    if converted > MAX_MINOR_UNITS:
        raise AmountTooLarge("The converted amount is larger than any account may hold.")
    payer_amount, payee_amount = (amount, converted) if currency == "payer" else (converted, amount)
    return Quote(
        payer_amount=payer_amount,
        payee_amount=payee_amount,
        fed_amount=fed,
        payer_residue=payer_amount - from_fed(fed, payer),
        payee_residue=from_fed(fed, payee) - payee_amount,
    )


def parse_rate(value: Any) -> Fraction:
    """An exact positive rate from ``"10"``, ``"12.5"`` or ``"25/2"``.

    Raises:
        RateInvalid (``rate_invalid``): zero, negative, a zero denominator, floats or junk.
    """
    return _parse_positive_rate(value)


def format_rate(rate: Fraction) -> str:
    """``"10"`` or ``"25/2"``: the exact rate as the API and CLI show it."""
    return str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"


def parse_fraction(text: str) -> Fraction:
    """A stored exact fraction (``"-3/7"`` or ``"5"``), as kept for residues."""
    match = _FRACTION.fullmatch(text)
    return Fraction(int(match.group(1)), int(match.group(2))) if match else Fraction(text)


def store_fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def parse_fed(value: Any, field: str = "amount") -> int:
    """Federation units as a decimal string with at most 6 decimals, to micro units (>= 0)."""
    micro = parse_signed(value, FED_DECIMALS)
    if micro < 0:
        raise ValidationFailed(f"{field} must be zero or more.", errors={field: ["must be >= 0"]})
    return micro


def format_fed(micro: int) -> str:
    """Micro federation units as a decimal string with 6 decimals ("12.500000")."""
    return format_amount(micro, FED_DECIMALS)
