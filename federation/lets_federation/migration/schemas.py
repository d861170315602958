"""Schemas of the migration API: progress, the merge request, the report's totals."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_federation.migration.models import MigrationRun
from lets_federation.migration.report import TOTAL_HEADER, Report, totals
from lets_platform import fields as api_fields


class MergeIn(Schema):
    into = api_fields.SlugRef(required=True)


class MigrateIn(Schema):
    force = fields.Boolean(
        load_default=False,
        metadata={"description": "start before the repayment period is over (national body)"},
    )
    reason = fields.String(
        load_default=None,
        validate=validate.Length(max=500),
        metadata={"description": "why the start is forced; kept on the run and in the audit log"},
    )


class ReportArgs(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "pdf"]))


class ProgressOut(Schema):
    id = fields.String()
    scheme = fields.String()
    kind = fields.String()
    state = fields.String()
    done = fields.Integer()
    total = fields.Integer()
    percent = fields.Integer()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    forced_reason = fields.String(allow_none=True)


class ReportOut(Schema):
    progress = fields.Nested(ProgressOut)
    reconciles = fields.Boolean()
    totals = fields.List(fields.Dict())
    lines = fields.List(fields.Dict())


def progress_out(run: MigrationRun, slug: str) -> dict[str, Any]:
    percent = 100 if run.total == 0 else run.done * 100 // run.total
    return {
        "id": str(run.id),
        "scheme": slug,
        "kind": run.kind,
        "state": run.state,
        "done": run.done,
        "total": run.total,
        "percent": percent,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "forced_reason": run.forced_reason,
    }


def report_out(report: Report) -> dict[str, Any]:
    from lets_federation.migration.report import LINE_HEADER, lines

    return {
        "progress": progress_out(report.run, report.source.slug),
        "reconciles": report.reconciles,
        "totals": [dict(zip(TOTAL_HEADER, row, strict=True)) for row in totals(report)],
        "lines": [dict(zip(LINE_HEADER, row, strict=True)) for row in lines(report)],
    }
