"""Charts drawn on the server as SVG: horizontal bars, one row per label, that may go below
zero (a position in deficit). Each chart is shown with a table of the same figures
(``templates/charts/macros.html``), for people who read rather than look.

Horizontal bars read at any width: the labels have a column of their own, the SVG scales
to its container (``viewBox``) and stays legible on a phone, with no script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

#: The drawing's coordinates (it scales to its container): label, bars, value columns.
WIDTH = 400
LABEL_WIDTH = 160
VALUE_WIDTH = 80
ROW = 28
BAR = 20
PAD = 6
#: Longest label drawn in full; the table beside the chart has every label whole.
LABEL_CHARS = 18


@dataclass(frozen=True)
class Bar:
    label: str
    #: What the bar says at its end ("12.50", "3").
    text: str
    x: float
    y: float
    width: float
    negative: bool


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    #: One sentence for screen readers: what the chart shows.
    description: str
    bars: list[Bar] = field(default_factory=list)
    #: Where zero is, and the plot area's top and bottom (for the zero line).
    zero_x: float = LABEL_WIDTH
    height: float = 0
    width: int = WIDTH
    bar_height: int = BAR
    label_x: float = LABEL_WIDTH - PAD
    value_x: float = WIDTH - VALUE_WIDTH + PAD

    @property
    def empty(self) -> bool:
        return not self.bars


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(
    id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, Decimal | int, str]],
) -> BarChart:
    """A chart of ``rows``: (label, value, the value as text), drawn in the order given.

    Bars start at zero: right for positive values, left for negative ones, all to the same
    scale, so a deficit and a surplus of the same size have the same length.
    """
    if not re.fullmatch(r"[a-z][a-z0-9-]*", id):
        raise ValueError(f"{id!r} is not a chart id (it names the SVG's title and desc)")
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    values = [Decimal(value) for _, value, _ in rows]
    low, high = min([Decimal(0), *values]), max([Decimal(0), *values])
    span = (high - low) or Decimal(1)
    zero = LABEL_WIDTH + float(-low / span) * plot
    bars = []
    for index, ((label, _, text), value) in enumerate(zip(rows, values, strict=True)):
        length = float(abs(value) / span) * plot
        bars.append(
            Bar(
                label=_short(label),
                text=text,
                x=zero - length if value < 0 else zero,
                y=PAD + index * ROW + (ROW - BAR) / 2,
                width=length,
                negative=value < 0,
            )
        )
    return BarChart(
        id=id,
        title=title,
        description=description,
        bars=bars,
        zero_x=zero,
        height=PAD * 2 + ROW * len(rows),
    )
