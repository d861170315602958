"""REST handlers of the balance migration: start it (wind-up or merge), follow it, read the
closure report (JSON, CSV, PDF); and the guard that keeps a closed scheme read-only."""

from __future__ import annotations

from typing import Any

from flask import Response

from lets_federation.context import federation_caller
from lets_federation.migration import operations as ops
from lets_federation.migration import starts
from lets_federation.migration.pdf import to_pdf
from lets_federation.migration.report import build, to_csv
from lets_federation.migration.schemas import (
    MergeIn,
    MigrateIn,
    ProgressOut,
    ReportArgs,
    ReportOut,
    progress_out,
    report_out,
)
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.tenancy.models import Scheme

blp = Blueprint(
    "migration",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Winding up: the balance migration, merges and the closure report",
)


def refuse_closed(scheme: Scheme) -> None:
    """A write guard (``lets_tenants.context``): a closed scheme's books are read-only.
    Resuming its own migration goes through ``starts``, which needs no guard."""
    if scheme.status == "closed":
        raise ops.SchemeClosed(f"{scheme.slug} is closed: its books are read-only.")


@blp.route("/wind-up/migrate", methods=["POST"])
@blp.arguments(MigrateIn, required=False)
@blp.response(202, ProgressOut)
def migrate(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """Start (or resume) moving every balance to the members' destinations (national body).

    Not before the repayment period is over (``repayment_period_not_over``), unless the
    national administrator sends ``{"force": true, "reason": "..."}``."""
    run = starts.start_wind_up(scheme, actor=federation_caller(), **body)
    return progress_out(run, scheme)


@blp.route("/merge", methods=["POST"])
@blp.arguments(MergeIn)
@blp.response(202, ProgressOut)
def merge(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    """Merge the scheme into another (national body): every member and balance moves there."""
    run = starts.start_merge(scheme, into=body["into"], actor=federation_caller())
    return progress_out(run, scheme)


@blp.route("/wind-up/migration", methods=["GET"])
@blp.response(200, ProgressOut)
def progress(scheme: str) -> dict[str, Any]:
    """How far the migration is: items done of total."""
    return progress_out(ops.progress(scheme, federation_caller()), scheme)


@blp.route("/wind-up/report", methods=["GET"])
@blp.arguments(ReportArgs, location="query")
@blp.response(200, ReportOut)
@blp.media(200, "text/csv", "application/pdf", description="The report as JSON, CSV or PDF")
def report(args: dict[str, Any], scheme: str) -> Any:
    """The closure report: per account, the balance before, destination, amount there."""
    built = build(ops.progress(scheme, federation_caller()))
    name = f"{scheme}-closure-report"
    if args["format"] == "csv":
        return _download(to_csv(built), "text/csv", f"{name}.csv")
    if args["format"] == "pdf":
        return _download(to_pdf(built), "application/pdf", f"{name}.pdf")
    return report_out(built)


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
