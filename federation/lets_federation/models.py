"""Every table of the federation, imported together so that Alembic and the app see them."""

from lets_federation.positions.models import PairFlow, Position
from lets_federation.rates.models import RateChange
from lets_federation.trades.models import Trade

__all__ = ["PairFlow", "Position", "RateChange", "Trade"]
