"""REST handlers of budgets, claims, the annual statement and disputes."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from lets_platform import permissions
from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.errors import ValidationFailed
from lets_tenants.claims import disputes as dispute_ops
from lets_tenants.claims import operations as ops
from lets_tenants.claims import statement
from lets_tenants.claims.schemas import (
    BudgetIn,
    BudgetOut,
    ClaimIn,
    ClaimOut,
    DisputeIn,
    DisputeOut,
    HandlingIn,
    budget_out,
    claim_out,
    dispute_out,
)
from lets_tenants.context import scheme_for

blp = Blueprint(
    "claims",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Committee budgets, claims, the annual statement, disputes",
)


@blp.route("/budgets", methods=["POST"])
@blp.arguments(BudgetIn)
@blp.response(201, BudgetOut)
def create_budget(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "budgets.manage")
    return budget_out(found, ops.create_budget(found, actor=person, **body))


@blp.route("/budgets", methods=["GET"])
@blp.response(200, BudgetOut(many=True))
def list_budgets(scheme: str) -> list[dict[str, Any]]:
    _, found = scheme_for(scheme, "meetings.read")
    return [budget_out(found, b) for b in ops.list_budgets(found)]


@blp.route("/claims", methods=["POST"])
@blp.arguments(ClaimIn)
@blp.response(201, ClaimOut)
def submit(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "claims.submit")
    return claim_out(found, ops.submit(found, actor=person, **body))


@blp.route("/claims", methods=["GET"])
@blp.response(200, ClaimOut(many=True))
def list_claims(scheme: str) -> list[dict[str, Any]]:
    """The committee sees every claim; a member their own."""
    person, found = scheme_for(scheme, "scheme.read")
    every = permissions.can(person, "claims.approve", found.id)
    return [claim_out(found, c) for c in ops.list_claims(found, None if every else person)]


def _claim_action(scheme: str, claim_id: int, act: Any) -> dict[str, Any]:
    person, found = scheme_for(scheme, "claims.approve")
    claim = ops.get_claim(found, claim_id)
    return claim_out(found, act(found, claim, actor=person))


@blp.route("/claims/<int:claim_id>/approve", methods=["POST"])
@blp.response(200, ClaimOut)
def approve(scheme: str, claim_id: int) -> dict[str, Any]:
    return _claim_action(scheme, claim_id, ops.approve)


@blp.route("/claims/<int:claim_id>/reject", methods=["POST"])
@blp.response(200, ClaimOut)
def reject(scheme: str, claim_id: int) -> dict[str, Any]:
    return _claim_action(scheme, claim_id, ops.reject)


@blp.route("/claims/<int:claim_id>/pay", methods=["POST"])
@blp.response(200, ClaimOut)
def pay(scheme: str, claim_id: int) -> dict[str, Any]:
    """Pay an approved claim from its budget (``claim_not_approved``,
    ``meeting_pay_not_authorised``, ``exceeds_budget`` otherwise)."""
    return _claim_action(scheme, claim_id, ops.pay)


@blp.route("/annual-statement", methods=["GET"])
def annual_statement(scheme: str) -> Any:
    """The annual statement of the local-currency accounts: JSON, ``?format=csv`` or ``pdf``."""
    _, found = scheme_for(scheme, "statements.annual")
    year_text = request.args.get("year", "")
    if not year_text.isascii() or not year_text.isdigit() or not 1990 <= int(year_text) <= 2100:
        raise ValidationFailed("year is a year such as 2026.", errors={"year": ["invalid"]})
    result = statement.annual(found, int(year_text))
    wanted = request.args.get("format", "json")
    name = f"{found.slug}-statement-{year_text}"
    if wanted == "csv":
        return Response(
            statement.to_csv(result),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={name}.csv"},
        )
    if wanted == "pdf":
        return Response(
            statement.to_pdf(result),
            mimetype="application/pdf",
            headers={"Content-Disposition": f"attachment; filename={name}.pdf"},
        )
    return {
        "scheme": found.slug,
        "year": int(year_text),
        "header": statement.HEADER,
        "rows": result.rows,
        "budgets": result.budgets,
    }


@blp.route("/disputes", methods=["POST"])
@blp.arguments(DisputeIn)
@blp.response(201, DisputeOut)
def raise_dispute(body: dict[str, Any], scheme: str) -> dict[str, Any]:
    person, found = scheme_for(scheme, "disputes.raise")
    return dispute_out(dispute_ops.raise_dispute(found, actor=person, **body))


@blp.route("/disputes", methods=["GET"])
@blp.response(200, DisputeOut(many=True))
def list_disputes(scheme: str) -> list[dict[str, Any]]:
    """The mediation group sees every dispute; a member those they raised or that name them."""
    person, found = scheme_for(scheme, "scheme.read")
    every = permissions.can(person, "disputes.handle", found.id)
    return [dispute_out(d) for d in dispute_ops.list_disputes(found, None if every else person)]


@blp.route("/disputes/<int:dispute_id>/handling", methods=["POST"])
@blp.arguments(HandlingIn)
@blp.response(200, DisputeOut)
def handle(body: dict[str, Any], scheme: str, dispute_id: int) -> dict[str, Any]:
    person, found = scheme_for(scheme, "disputes.handle")
    dispute = dispute_ops.get_dispute(found, dispute_id)
    return dispute_out(dispute_ops.handle(found, dispute, actor=person, **body))
