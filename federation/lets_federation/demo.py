"""Demo data for the federation: rates, limits, a few inter-scheme trades, one refused."""

from __future__ import annotations

from lets_federation.positions.operations import set_limits
from lets_federation.rates.operations import set_rate
from lets_federation.trades.operations import create_trade, settle
from lets_platform.demo import DemoContext

#: Units per federation unit (one hour): WES 10, Links 12, London pounds 10.
RATES = {"wiltshire": "10", "bright": "12", "london": "10"}
#: Federation units each scheme may owe or be owed.
LIMITS = {"wiltshire": "50", "bright": "50", "london": "5"}
TRADES = [
    # payer, payee, amount, side named, memo
    ("wiltshire/alice", "bright/bob", "30.00", "payer", "Bike repair"),
    ("bright/gita", "london/jo", "24.00", "payer", "Guitar lesson by video"),
    ("london/ines", "wiltshire/erin", "15.00", "payee", "Gardening advice"),
    ("bright/hal", "wiltshire/dave", "36.00", "payee", "Eggs for a month"),
]
#: London may owe at most 5 hours: this one is refused with exceeds_federation_limit.
REFUSED = ("london/kofi", "bright/bob", "90.00", "payer", "Plumbing, too much at once")


def seed(context: DemoContext) -> None:
    national = context.people.get("nadia")
    for slug, rate in RATES.items():
        set_rate(slug, rate, actor=national)
    for slug, limit in LIMITS.items():
        set_limits(slug, max_deficit=limit, max_surplus=limit, actor=national)
    for payer, payee, amount, currency, memo in [*TRADES, REFUSED]:
        trade = create_trade(
            national, payer=payer, payee=payee, amount=amount, currency=currency, memo=memo
        )
        settle(trade.id)
    context.notes.append(
        "Federation: rates WES 10, Links 12, London 10 per hour; four trades cleared between "
        "schemes and one refused (exceeds_federation_limit): GET /api/v1/federation/positions"
    )
