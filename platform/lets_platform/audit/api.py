"""REST handlers for the audit log: a scheme's committee reads its own, the national body all."""

from __future__ import annotations

from typing import Any

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.audit import operations as ops
from lets_platform.audit.schemas import AuditArgs, AuditOut, entry_out
from lets_platform.auth import current_person
from lets_platform.tenancy.operations import get_scheme

blp = Blueprint("audit", __name__, url_prefix=API_PREFIX, description="The audit log")


def _page(scheme_id: int | None, args: dict[str, Any]) -> list[dict[str, Any]]:
    found = ops.entries(scheme_id=scheme_id, limit=args["limit"], before=args["before"])
    actors, schemes = ops.names_for(found)
    return [entry_out(e, actors, schemes) for e in found]


@blp.route("/schemes/<scheme>/audit", methods=["GET"])
@blp.arguments(AuditArgs, location="query")
@blp.response(200, AuditOut(many=True))
def scheme_audit(args: dict[str, Any], scheme: str) -> list[dict[str, Any]]:
    """Newest first; page with ``before=<id of the last entry seen>``."""
    person = current_person()
    found = get_scheme(scheme)
    permissions.require(person, "audit.read", found.id)
    return _page(found.id, args)


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditArgs, location="query")
@blp.response(200, AuditOut(many=True))
def hub_audit(args: dict[str, Any]) -> list[dict[str, Any]]:
    permissions.require(current_person(), "hub.audit.read")
    return _page(None, args)
