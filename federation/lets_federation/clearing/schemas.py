"""Marshmallow schemas for clearing runs; figures are decimal strings of federation units."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, validate

from lets_federation.clearing.models import ClearingRun
from lets_federation.units import format_fed
from lets_platform import fields as api_fields


def fed(value: int | None) -> str | None:
    """Micro federation units as a decimal string ("1.500000" is one and a half units)."""
    return None if value is None else format_fed(value)


class RunIn(Schema):
    since = fields.AwareDateTime(
        load_default=None, metadata={"description": "count only trades cleared from then on"}
    )


class RunListArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    before = fields.AwareDateTime(load_default=None, metadata={"description": "older than this"})
    scheme = api_fields.SlugRef(
        load_default=None, metadata={"description": "show only this scheme's rows"}
    )


class RunArgs(Schema):
    scheme = api_fields.SlugRef(load_default=None)


class RunSchemeOut(Schema):
    scheme = fields.String()
    paid = fields.String()
    received = fields.String()
    net = fields.String()
    position = fields.String()
    max_deficit = fields.String(allow_none=True)
    max_surplus = fields.String(allow_none=True)
    near_limit = fields.String(allow_none=True, metadata={"description": "deficit, surplus"})


class RunPairOut(Schema):
    a = fields.String()
    b = fields.String()
    a_to_b = fields.String()
    b_to_a = fields.String()
    net = fields.String(metadata={"description": "b_to_a - a_to_b: what a gains from b"})
    trades = fields.Integer()


class RunSummaryOut(Schema):
    id = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    since = fields.DateTime(allow_none=True)
    trade_count = fields.Integer()
    gross = fields.String()
    bilateral_net = fields.String()
    multilateral_net = fields.String()
    bilateral_saving = fields.String()
    cycle_saving = fields.String(metadata={"description": "bilateral_net - multilateral_net"})
    near_limit = fields.List(fields.String(), metadata={"description": "schemes flagged"})


class RunOut(RunSummaryOut):
    near_limit_percent = fields.Integer()
    schemes = fields.List(fields.Nested(RunSchemeOut))
    pairs = fields.List(fields.Nested(RunPairOut))


def summary_out(
    run: ClearingRun, slugs: dict[int, str], shown: Callable[[int], bool]
) -> dict[str, Any]:
    return {
        "id": str(run.id),
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "since": run.since,
        "trade_count": run.trade_count,
        "gross": fed(run.gross),
        "bilateral_net": fed(run.bilateral_net),
        "multilateral_net": fed(run.multilateral_net),
        "bilateral_saving": fed(run.gross - run.bilateral_net),
        "cycle_saving": fed(run.bilateral_net - run.multilateral_net),
        "near_limit": [
            slugs[row.scheme_id] for row in run.schemes if row.near_limit and shown(row.scheme_id)
        ],
    }


def run_out(
    run: ClearingRun, slugs: dict[int, str], shown: Callable[[int], bool]
) -> dict[str, Any]:
    """The run with the scheme rows ``shown`` and the pair rows with a shown side."""
    schemes = [
        {
            "scheme": slugs[row.scheme_id],
            "paid": fed(row.paid),
            "received": fed(row.received),
            "net": fed(row.net),
            "position": fed(row.position),
            "max_deficit": fed(row.max_deficit),
            "max_surplus": fed(row.max_surplus),
            "near_limit": row.near_limit or None,
        }
        for row in run.schemes
        if shown(row.scheme_id)
    ]
    pairs = [
        {
            "a": slugs[p.scheme_a_id],
            "b": slugs[p.scheme_b_id],
            "a_to_b": fed(p.a_to_b),
            "b_to_a": fed(p.b_to_a),
            "net": fed(p.b_to_a - p.a_to_b),
            "trades": p.trades,
        }
        for p in run.pairs
        if shown(p.scheme_a_id) or shown(p.scheme_b_id)
    ]
    return {
        **summary_out(run, slugs, shown),
        "near_limit_percent": run.near_limit_percent,
        "schemes": schemes,
        "pairs": pairs,
    }
