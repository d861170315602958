"""Money as integers of minor units that know their currency; decimal strings at the edges.

Amounts never pass through floats: ``parse_amount("12.50", 2) == 1250`` and
``format_amount(1250, 2) == "12.50"``. On the wire an amount is text of ASCII digits,
``[-]DIGITS[.DIGITS]``, with at most the currency's decimals and no leading zeros in the
whole part ("0.50" and "7", never "07"), so that each amount has one spelling; numbers,
signs other than "-", spaces, underscores, exponents, NaN and Infinity are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lets_platform.errors import AmountInvalid, AmountMustBePositive, AmountTooLarge
from lets_platform.fields import DECIMAL

#: No amount, balance or limit may exceed this many minor units in magnitude; it keeps every
#: sum well inside a signed 64-bit integer (BIGINT) so that no balance can overflow.
MAX_MINOR_UNITS = 10**15

_DECIMAL = DECIMAL
_DIGITS = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)


@dataclass(frozen=True)
class Currency:
    code: str
    name: str
    decimals: int

    def parse(self, value: Any) -> Money:
        return Money(parse_amount(value, self.decimals), self)

    def format(self, minor: int) -> str:
        return format_amount(minor, self.decimals)


@dataclass(frozen=True)
class Money:
    """An amount in minor units of one currency."""

    minor: int
    currency: Currency

    def __str__(self) -> str:
        return f"{self.currency.format(self.minor)} {self.currency.code}"


def parse_signed(value: Any, decimals: int) -> int:
    """Parse a decimal string into minor units, sign allowed (limits, balances).

    Raises:
        AmountInvalid: not a string (a number, even a whole one, is refused: the wire
            carries strings), more decimals than the currency has, leading zeros, or junk.
        AmountTooLarge: beyond ``MAX_MINOR_UNITS``.
    """
    if value is None:
        raise AmountInvalid('An amount is required, as a decimal string such as "12.50".')
    if not isinstance(value, str):
        raise AmountInvalid(
            f'Amounts are decimal strings such as "12.50", not {type(value).__name__} values.'
        )
    text = value
    match = _DECIMAL.fullmatch(text)
    if not match:
        if _DIGITS.fullmatch(text):
            raise AmountInvalid(f"{text!r} has leading zeros; write it without them.")
        raise AmountInvalid(f'{text!r} is not a decimal amount such as "12.50".')
    sign, whole, fraction = match.groups()
    fraction = fraction or ""
    if len(fraction) > decimals:
        raise AmountInvalid(f"{text!r} has {len(fraction)} decimals; this currency has {decimals}.")
    if len(whole) > 18:
        raise AmountTooLarge(f"{text!r} is too large.")
    minor = int(whole) * 10**decimals + (int(fraction.ljust(decimals, "0")) if decimals else 0)
    if minor > MAX_MINOR_UNITS:
        raise AmountTooLarge(
            f"{text!r} is larger than the most an account may hold "
            f"({format_amount(MAX_MINOR_UNITS, decimals)})."
        )
    return -minor if sign else minor


def parse_amount(value: Any, decimals: int) -> int:
    """Parse a transfer amount: a positive decimal string. Returns minor units."""
    minor = parse_signed(value, decimals)
    if minor <= 0:
        raise AmountMustBePositive(f"The amount must be more than zero, not {value!r}.")
    return minor


def format_amount(minor: int, decimals: int) -> str:
    """Minor units to a decimal string with exactly ``decimals`` decimals."""
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**decimals)
    return f"{sign}{whole}.{fraction:0{decimals}d}" if decimals else f"{sign}{whole}"
