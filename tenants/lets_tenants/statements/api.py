"""REST handler for an account's statement, as JSON or CSV (``?format=csv`` or Accept)."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from lets_platform.api import API_PREFIX, Blueprint
from lets_tenants.accounts.operations import get_account, require_use
from lets_tenants.context import scheme_for
from lets_tenants.statements import operations as ops
from lets_tenants.statements.schemas import StatementArgs, StatementOut, statement_out

blp = Blueprint(
    "statements",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Account statements",
)


@blp.route("/accounts/<account>/statement", methods=["GET"])
@blp.arguments(StatementArgs, location="query")
@blp.response(200, StatementOut)
@blp.media(200, "text/csv", description="The statement, as JSON or (format=csv) CSV")
def get_statement(args: dict[str, Any], scheme: str, account: str) -> Any:
    person, found = scheme_for(scheme, "scheme.read")
    target = get_account(found, account)
    require_use(person, found, target, "accounts.read_any")
    stmt = ops.statement(found, target, start=args["start"], end=args["end"])
    wants_csv = args["format"] == "csv" or (
        args["format"] is None
        and request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"
    )
    if wants_csv:
        filename = f"{found.slug}-{target.name}-statement.csv"
        return Response(
            ops.to_csv(found, stmt),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return statement_out(found, stmt)
