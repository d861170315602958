"""Netting of inter-scheme obligations: pure arithmetic over flows between pairs of schemes.

A clearing run feeds this module one aggregated flow per (payer scheme, payee scheme) —
never the trades themselves — so its cost grows with the number of pairs (at most n²),
not the number of trades. Everything is in integer micro federation units.

Three figures say how much netting helps:

- **gross**: the sum of every flow, what would change hands with no netting at all;
- **bilateral net**: each pair settles only its difference, ``sum |a->b - b->a|``;
- **multilateral net**: every scheme settles only its own net position, so the
  obligations are the sum of the positive positions (equal to the sum of the negative
  ones, since positions sum to zero). Cycles such as A->B->C->A cancel here; the saving
  over the bilateral net is the cycle cancellation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Flow:
    """What one scheme's members paid another's, summed: ``amount`` over ``trades`` trades."""

    payer: int
    payee: int
    amount: int
    trades: int = 1


@dataclass(frozen=True)
class PairFlows:
    """Both directions between two schemes, ``a < b``; ``net`` is what b owes a (a's gain)."""

    a: int
    b: int
    a_to_b: int
    b_to_a: int
    trades: int

    @property
    def gross(self) -> int:
        return self.a_to_b + self.b_to_a

    @property
    def net(self) -> int:
        return self.b_to_a - self.a_to_b


@dataclass(frozen=True)
class SchemeNet:
    """One scheme's totals: ``net = received - paid`` (negative: it owes the federation)."""

    scheme: int
    paid: int
    received: int

    @property
    def net(self) -> int:
        return self.received - self.paid


@dataclass
class Netting:
    """The result of netting a set of flows."""

    schemes: dict[int, SchemeNet] = field(default_factory=dict)
    pairs: dict[tuple[int, int], PairFlows] = field(default_factory=dict)
    trades: int = 0

    @property
    def gross(self) -> int:
        return sum(pair.gross for pair in self.pairs.values())

    @property
    def bilateral_net(self) -> int:
        return sum(abs(pair.net) for pair in self.pairs.values())

    @property
    def multilateral_net(self) -> int:
        return sum(s.net for s in self.schemes.values() if s.net > 0)

    @property
    def bilateral_saving(self) -> int:
        return self.gross - self.bilateral_net

    @property
    def cycle_saving(self) -> int:
        """What multilateral netting saves beyond bilateral netting (cancelled cycles)."""
        return self.bilateral_net - self.multilateral_net


def net(flows: Iterable[Flow]) -> Netting:
    """Net ``flows`` bilaterally and multilaterally.

    Args:
        flows: aggregated flows, at most one per ordered pair (repeats are added up).
            A flow within one scheme is counted as a trade but moves nothing between
            schemes, so it is left out of every figure.
    Returns:
        per-scheme totals and per-pair flows; the schemes' nets sum to exactly zero.
    """
    result = Netting()
    paid: dict[int, int] = {}
    received: dict[int, int] = {}
    directed: dict[tuple[int, int], list[int]] = {}
    for flow in flows:
        if flow.amount < 0 or flow.trades < 0:
            raise ValueError(f"a flow cannot be negative: {flow}")
        result.trades += flow.trades
        if flow.payer == flow.payee:
            continue
        paid[flow.payer] = paid.get(flow.payer, 0) + flow.amount
        received[flow.payee] = received.get(flow.payee, 0) + flow.amount
        key = (min(flow.payer, flow.payee), max(flow.payer, flow.payee))
        totals = directed.setdefault(key, [0, 0, 0])
        totals[0 if flow.payer == key[0] else 1] += flow.amount
        totals[2] += flow.trades
    for scheme in sorted(paid.keys() | received.keys()):
        result.schemes[scheme] = SchemeNet(scheme, paid.get(scheme, 0), received.get(scheme, 0))
    for (a, b), (a_to_b, b_to_a, trades) in sorted(directed.items()):
        result.pairs[(a, b)] = PairFlows(a, b, a_to_b, b_to_a, trades)
    return result


def near_limit(
    position: int, max_deficit: int | None, max_surplus: int | None, percent: int
) -> str:
    """``"deficit"`` or ``"surplus"`` when ``position`` has used ``percent`` % or more of that
    limit, else ``""``. Limits are positive magnitudes; ``None`` means no limit."""
    if position < 0 and max_deficit is not None and -position * 100 >= max_deficit * percent:
        return "deficit"
    if position > 0 and max_surplus is not None and position * 100 >= max_surplus * percent:
        return "surplus"
    return ""
