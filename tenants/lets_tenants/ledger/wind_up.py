"""The ledger's one rule while a scheme winds up: no account goes further into debit.

The constitutions give debtors a period to repay and help creditors spend, while trading
goes on. So while a scheme is ``winding_up`` a payment (or a hold, for a trade with
another scheme) may not take its payer's ``balance - held`` below zero: a member in
credit may spend down to zero, a member in debit may only receive (repay by selling),
and nobody moves from credit into debit. Receiving is not limited beyond the usual upper
limit. The scheme's federation clearing account keeps its own rules (the federation's
limits), so trades into the scheme and the balance migration still flow.

The rule is a second floor in the same conditional UPDATE as the credit limit
(``balance - held - amount >= :wind_up_floor``), so it holds under concurrent payments.
"""

from __future__ import annotations

from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.money import MAX_MINOR_UNITS
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account

ExceedsWindUpLimit = _error(
    "exceeds_wind_up_limit",
    422,
    "The scheme is winding up: no account may go further into debit, so a payment may not "
    "take the payer below zero.",
)

#: The floor while winding up: balance - held may not go below it.
WIND_UP_FLOOR = 0
#: No second floor: lower than any credit limit may be, so only ``min_balance`` binds.
NO_FLOOR = -MAX_MINOR_UNITS


def applies(account: Account) -> bool:
    """Whether the wind-up floor binds ``account`` now (its scheme is winding up)."""
    if account.kind == "federation":
        return False
    scheme = db.session.get_one(Scheme, account.scheme_id)
    return scheme.status == "winding_up"


def floor_for(account: Account) -> int:
    """The second floor of a payment from ``account``: 0 while winding up, else none."""
    return WIND_UP_FLOOR if applies(account) else NO_FLOOR
