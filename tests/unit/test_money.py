"""Amounts: decimal strings of ASCII digits in, integers of minor units inside, strings out.

Policy: an amount is ``[-]DIGITS[.DIGITS]`` in ASCII, with at most the currency's decimals
(fewer are padded: "12.5" is 12.50). The whole part has no leading zeros ("0.50" and "7"
are fine, "07" and "00.50" are refused) so that every amount has one spelling; no sign but
"-", no spaces, no underscores, no exponents, no NaN or Infinity; numbers (JSON numbers,
ints, floats, booleans) are refused: the wire carries strings.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from lets_platform.errors import AmountInvalid, AmountMustBePositive, AmountTooLarge
from lets_platform.money import (
    MAX_MINOR_UNITS,
    Currency,
    Money,
    format_amount,
    parse_amount,
    parse_signed,
)

WES = Currency("WES", "WES units", 2)


@pytest.mark.parametrize(
    ("text", "decimals", "minor"),
    [
        ("12.50", 2, 1250),
        ("12.5", 2, 1250),
        ("12", 2, 1200),
        ("0.01", 2, 1),
        ("0.50", 2, 50),
        ("7", 0, 7),
        ("1.234", 3, 1234),
        ("10000000000000.00", 2, MAX_MINOR_UNITS),
    ],
)
def test_a_decimal_string_becomes_minor_units(text, decimals, minor):
    assert parse_amount(text, decimals) == minor


@pytest.mark.parametrize(
    "text",
    [
        "１２",  # full-width digits
        "١٢",  # Arabic-Indic digits
        "1_000",
        " 1",
        "1 ",
        "1\n",
        "+1",
        "1e3",
        "1E3",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "inf",
        "",
        ".5",
        "5.",
        "1.2.3",
        "1,00",
        "0x10",
        "--1",
        "abc",
    ],
)
def test_anything_but_ascii_decimal_text_is_amount_invalid(text):
    with pytest.raises(AmountInvalid):
        parse_amount(text, 2)


@pytest.mark.parametrize("text", ["07", "00.50", "012.00", "-01.00", "000"])
def test_leading_zeros_are_refused_so_each_amount_has_one_spelling(text):
    with pytest.raises(AmountInvalid):
        parse_signed(text, 2)


@pytest.mark.parametrize("value", [12.5, 12.0, 12, 0, True, None, Decimal("12.50"), ["1"], {}])
def test_numbers_and_other_types_are_amount_invalid(value):
    with pytest.raises(AmountInvalid):
        parse_amount(value, 2)


def test_more_decimals_than_the_currency_has_is_amount_invalid():
    with pytest.raises(AmountInvalid):
        parse_amount("1.005", 2)


def test_a_currency_without_decimals_refuses_any_fraction():
    with pytest.raises(AmountInvalid):
        parse_amount("1.0", 0)


@pytest.mark.parametrize("text", ["0", "0.00", "-0.00", "-1.00"])
def test_zero_and_negative_transfer_amounts_must_be_positive(text):
    with pytest.raises(AmountMustBePositive):
        parse_amount(text, 2)


@pytest.mark.parametrize("text", ["10000000000000.01", "9" * 19, "9" * 400])
def test_amounts_beyond_the_cap_are_too_large(text):
    with pytest.raises(AmountTooLarge):
        parse_amount(text, 2)


def test_signed_values_keep_their_sign():
    assert parse_signed("-100.00", 2) == -10000
    assert parse_signed("0", 2) == 0


def test_a_negative_beyond_the_cap_is_too_large():
    with pytest.raises(AmountTooLarge):
        parse_signed("-10000000000000.01", 2)


@pytest.mark.parametrize(
    ("minor", "decimals", "text"),
    [(1250, 2, "12.50"), (-5, 2, "-0.05"), (0, 2, "0.00"), (7, 0, "7"), (1, 3, "0.001")],
)
def test_minor_units_format_with_exactly_the_currency_decimals(minor, decimals, text):
    assert format_amount(minor, decimals) == text


def test_format_and_parse_round_trip():
    for minor in (1, 99, 100, 12345, MAX_MINOR_UNITS):
        assert parse_amount(format_amount(minor, 2), 2) == minor


def test_a_currency_parses_into_money_that_knows_it():
    money = WES.parse("4.50")
    assert money == Money(450, WES)
    assert str(money) == "4.50 WES"
