"""Marshmallow schemas of budgets, claims and disputes."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform.db import db
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.claims.models import Budget, Claim, Dispute
from lets_tenants.claims.operations import approvals, spent


class BudgetIn(Schema):
    account = fields.String(required=True, metadata={"description": "a central account"})
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200))
    amount = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)


class BudgetOut(Schema):
    id = fields.Integer()
    account = fields.String()
    purpose = fields.String()
    amount = fields.String()
    spent = fields.String()
    left = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()


class ClaimIn(Schema):
    budget = fields.Integer(required=True, strict=True)
    kind = fields.String(
        load_default="wage", validate=validate.OneOf(("wage", "meeting_attendance"))
    )
    amount = fields.String(required=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class ClaimOut(Schema):
    id = fields.Integer()
    member = fields.String()
    budget = fields.Integer()
    kind = fields.String()
    amount = fields.String()
    description = fields.String()
    state = fields.String(metadata={"description": "submitted, approved, paid or rejected"})
    approvals = fields.Integer()
    submitted_at = fields.DateTime()
    transfer = fields.String(allow_none=True)


class DisputeIn(Schema):
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    against = fields.String(
        load_default=None, metadata={"description": "a handle; none: the administration"}
    )


class HandlingIn(Schema):
    state = fields.String(
        required=True, validate=validate.OneOf(("open", "in_mediation", "resolved", "referred"))
    )
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    outcome = fields.String(load_default=None, validate=validate.Length(max=2000))


class DisputeOut(Schema):
    id = fields.Integer()
    raised_by = fields.String()
    against = fields.String(allow_none=True, metadata={"description": "null: the administration"})
    description = fields.String()
    state = fields.String()
    handling = fields.String()
    outcome = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def budget_out(scheme: Scheme, budget: Budget) -> dict[str, Any]:
    d = scheme.currency_decimals
    used = spent(budget)
    return {
        "id": budget.id,
        "account": db.session.get_one(Account, budget.account_id).name,
        "purpose": budget.purpose,
        "amount": format_amount(budget.amount, d),
        "spent": format_amount(used, d),
        "left": format_amount(budget.amount - used, d),
        "period_start": budget.period_start,
        "period_end": budget.period_end,
    }


def claim_out(scheme: Scheme, claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "member": claim.membership.handle,
        "budget": claim.budget_id,
        "kind": claim.kind,
        "amount": format_amount(claim.amount, scheme.currency_decimals),
        "description": claim.description,
        "state": claim.state,
        "approvals": len(approvals(claim)),
        "submitted_at": claim.submitted_at,
        "transfer": str(claim.transfer_id) if claim.transfer_id else None,
    }


def dispute_out(dispute: Dispute) -> dict[str, Any]:
    return {
        "id": dispute.id,
        "raised_by": dispute.raised_by.handle,
        "against": dispute.against.handle if dispute.against else None,
        "description": dispute.description,
        "state": dispute.state,
        "handling": dispute.handling,
        "outcome": dispute.outcome,
        "created_at": dispute.created_at,
        "updated_at": dispute.updated_at,
    }
