"""REST handler for a scheme's trading activity per month (organisers and oversight)."""

from __future__ import annotations

from typing import Any

from lets_platform.api import API_PREFIX, Blueprint
from lets_tenants.activity import operations as ops
from lets_tenants.activity.schemas import ActivityArgs, ActivityOut, activity_out
from lets_tenants.context import scheme_for

blp = Blueprint(
    "activity",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="A scheme's trading activity",
)


@blp.route("/activity", methods=["GET"])
@blp.arguments(ActivityArgs, location="query")
@blp.response(200, ActivityOut)
def get_activity(args: dict[str, Any], scheme: str) -> dict[str, Any]:
    """Trades, volume and active traders per calendar month (UTC), oldest first."""
    _, found = scheme_for(scheme, "transfers.read_all")
    return activity_out(found, ops.activity(found, args["months"]))
