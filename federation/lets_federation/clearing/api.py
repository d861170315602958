"""REST handlers for clearing runs: the national body starts one; readers see their schemes.

The run's totals are federation-wide; its per-scheme and per-pair rows are shown for the
schemes where the caller may read clearing runs (every scheme for the national body).
Like every federation handler, the request may see every scheme's rows (row-level
security's ``*``); which rows it shows is decided here, by the permission matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from lets_federation.clearing import operations as ops
from lets_federation.clearing.schemas import (
    RunArgs,
    RunIn,
    RunListArgs,
    RunOut,
    RunSummaryOut,
    run_out,
    summary_out,
)
from lets_federation.clearing.tasks import near_limit_percent
from lets_federation.context import federation_caller
from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import get_scheme

READ = "federation.clearing.read"

blp = Blueprint(
    "clearing",
    __name__,
    url_prefix=API_PREFIX + "/federation/clearing-runs",
    description="Clearing runs: net positions, bilateral flows and netting savings",
)


def _slugs() -> dict[int, str]:
    return {sid: slug for sid, slug in db.session.execute(select(Scheme.id, Scheme.slug))}


def _shown(person: Person, slug: str | None) -> Callable[[int], bool]:
    """Which schemes' rows the caller may see; refuses a caller who may see none."""
    if slug is not None:
        scheme = get_scheme(slug)
        permissions.require(person, READ, scheme.id)
        return lambda sid: sid == scheme.id
    if person.is_admin:
        return lambda _sid: True
    readable = {sid for sid in _slugs() if permissions.can(person, READ, sid)}
    if not readable:
        raise permissions.NotPermitted(f"You may not do this ({READ}).")
    return readable.__contains__


@blp.route("", methods=["POST"])
@blp.arguments(RunIn)
@blp.response(201, RunOut)
def start_run(body: dict[str, Any]) -> dict[str, Any]:
    """Make a clearing run now (the national body); it also runs every hour as a job."""
    person = federation_caller()
    permissions.require(person, "federation.clearing.run")
    run = ops.run_clearing(body["since"], actor=person, near_limit_percent=near_limit_percent())
    return run_out(run, _slugs(), lambda _sid: True)


@blp.route("", methods=["GET"])
@blp.arguments(RunListArgs, location="query")
@blp.response(200, RunSummaryOut(many=True))
def list_runs(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Newest first; page with ``before=<started_at of the last run seen>``."""
    shown = _shown(federation_caller(), args["scheme"])
    slugs = _slugs()
    return [summary_out(r, slugs, shown) for r in ops.list_runs(args["limit"], args["before"])]


@blp.route("/<run_id>", methods=["GET"])
@blp.arguments(RunArgs, location="query")
@blp.response(200, RunOut)
def get_run(args: dict[str, Any], run_id: str) -> dict[str, Any]:
    shown = _shown(federation_caller(), args["scheme"])
    return run_out(ops.get_run(run_id), _slugs(), shown)
