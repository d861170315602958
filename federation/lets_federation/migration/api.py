"""REST handlers of the balance migration: start it (wind-up or merge), follow it, read the
closure report (JSON, CSV, PDF); and the guard that keeps a closed scheme read-only."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from sqlalchemy import select

from lets_federation.context import federation_caller
from lets_federation.migration import operations as ops
from lets_federation.migration import starts
from lets_federation.migration.pdf import to_pdf
from lets_federation.migration.report import build, to_csv
from lets_federation.migration.schemas import (
    MergeIn,
    ProgressOut,
    ReportArgs,
    ReportOut,
    progress_out,
    report_out,
)
from lets_platform.api import API_PREFIX
from lets_platform.db import db
from lets_platform.tenancy.models import Scheme

blp = Blueprint(
    "migration",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Winding up: the balance migration, merges and the closure report",
)

_SCHEME_PATH = re.compile(re.escape(API_PREFIX) + r"/schemes/([^/]+)/(.+)$")
#: Writes that a closed scheme still takes: resuming its own migration.
_ALLOWED_WHEN_CLOSED = ("wind-up/migrate", "merge")


def refuse_writes_to_closed() -> None:
    """Before any write under ``/schemes/<scheme>/``: a closed scheme is read-only."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    match = _SCHEME_PATH.match(request.path)
    if match is None or match.group(2) in _ALLOWED_WHEN_CLOSED:
        return
    status = db.session.scalar(select(Scheme.status).where(Scheme.slug == match.group(1)))
    if status == "closed":
        raise ops.SchemeClosed(f"{match.group(1)} is closed: its books are read-only.")


@blp.route("/wind-up/migrate", methods=["POST"])
@blp.response(202, ProgressOut)
def migrate(scheme: str) -> dict[str, Any]:
    """Start (or resume) moving every balance to the members' destinations (national body)."""
    run = starts.start_wind_up(scheme, actor=federation_caller())
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
@blp.alt_response(200, content_type="text/csv", description="The report as CSV")
@blp.alt_response(200, content_type="application/pdf", description="The report as PDF")
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
