"""Everything between schemes: exchange rates, inter-scheme trades, positions and limits.

Each scheme's currency has an exact rate to the federation unit; a trade between members
of two schemes is held in the payer's scheme, then cleared by a job that posts both legs
and moves the schemes' federation positions in one transaction (see ``units`` for the
rounding rule and ``trades.operations`` for the life of a trade).
"""

from __future__ import annotations

from flask import Flask

#: What one federation unit stands for: the common measure the schemes' rates refer to.
FEDERATION_UNIT = "one hour of time"
#: Seconds a trade may stay pending before the sweep expires it and releases its hold.
DEFAULT_TRADE_TTL = 3600


def init_app(app: Flask) -> None:
    from lets_federation import models  # noqa: F401  (declares the tables)
    from lets_federation.clearing import init_app as init_clearing
    from lets_federation.invoices import init_app as init_invoices

    init_clearing(app)
    init_invoices(app)

    app.config.setdefault("LETS_FEDERATION_UNIT", FEDERATION_UNIT)
