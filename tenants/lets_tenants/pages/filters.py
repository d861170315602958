"""Template filters for amounts and dates, so that every page writes them alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from markupsafe import Markup

from lets_platform.money import format_amount


def money(minor: int | None, scheme: Any, signed: bool = False) -> str:
    """``12.50 Links``; ``signed`` writes ``+`` before money in."""
    if minor is None:
        return "none"
    text = format_amount(minor, scheme.currency_decimals)
    if signed and minor > 0:
        text = "+" + text
    return f"{text} {scheme.currency_name}"


def figure(minor: int | None, scheme: Any) -> Markup:
    """An amount for a summary card: the number large, the unit's name under it."""
    if minor is None:
        return Markup("None")
    text = format_amount(minor, scheme.currency_decimals)
    return Markup('{} <span class="unit">{}</span>').format(text, scheme.currency_name)


def day(value: datetime | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def init_app(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(day, "day")
    app.add_template_filter(figure, "figure")
