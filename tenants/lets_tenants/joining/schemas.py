"""Marshmallow schemas of applications, standings, fees and terminations."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.constitution.models import ConstitutionVersion
from lets_tenants.joining.models import Application, Fee, Standing, Termination
from lets_tenants.membership.models import Membership


class ApplicationIn(Schema):
    handle = fields.String(required=True)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    organisation = fields.String(load_default=None, validate=validate.Length(max=160))
    endorse_version = fields.Integer(
        required=True,
        strict=True,
        metadata={"description": "the constitution version the applicant endorses"},
    )


class ApplicationOut(Schema):
    id = fields.Integer()
    email = fields.String()
    handle = fields.String()
    display_name = fields.String()
    organisation = fields.String(allow_none=True)
    endorsed_version = fields.Integer()
    endorsed_at = fields.DateTime()
    state = fields.String()
    decided_at = fields.DateTime(allow_none=True)
    reason = fields.String()


class ReasonIn(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=2000))


class FeeOut(Schema):
    id = fields.Integer()
    member = fields.String()
    currency = fields.String(metadata={"description": "local or sterling"})
    amount = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    state = fields.String(metadata={"description": "due or paid"})
    transfer = fields.String(allow_none=True)


class MemberStandingOut(Schema):
    member = fields.String()
    kind = fields.String()
    organisation = fields.String(allow_none=True)
    representative = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "active, lapsed or terminated"})
    paid_until = fields.Date(allow_none=True)
    endorsed_version = fields.Integer(allow_none=True)
    fees = fields.List(fields.Nested(FeeOut))


class TerminationIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class AppealIn(Schema):
    appeal = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class AppealDecisionIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(("upheld", "overturned")))
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class TerminationOut(Schema):
    id = fields.Integer()
    member = fields.String()
    reason = fields.String()
    clause = fields.String(allow_none=True)
    decided_at = fields.DateTime()
    appeal = fields.String(allow_none=True)
    appealed_at = fields.DateTime(allow_none=True)
    appeal_outcome = fields.String(allow_none=True)
    appeal_note = fields.String(allow_none=True)
    appeal_decided_at = fields.DateTime(allow_none=True)


def _version_number(version_id: int | None) -> int | None:
    if version_id is None:
        return None
    return db.session.get_one(ConstitutionVersion, version_id).number


def application_out(application: Application) -> dict[str, Any]:
    return {
        "id": application.id,
        "email": db.session.get_one(Person, application.person_id).email,
        "handle": application.handle,
        "display_name": application.display_name,
        "organisation": application.organisation,
        "endorsed_version": _version_number(application.constitution_version_id),
        "endorsed_at": application.endorsed_at,
        "state": application.state,
        "decided_at": application.decided_at,
        "reason": application.reason,
    }


def fee_out(scheme: Scheme, fee: Fee) -> dict[str, Any]:
    decimals = scheme.currency_decimals if fee.currency == "local" else 2
    return {
        "id": fee.id,
        "member": db.session.get_one(Membership, fee.membership_id).handle,
        "currency": fee.currency,
        "amount": format_amount(fee.amount, decimals),
        "period_start": fee.period_start,
        "period_end": fee.period_end,
        "state": fee.state,
        "transfer": str(fee.transfer_id) if fee.transfer_id else None,
    }


def standing_out(scheme: Scheme, standing: Standing, fees: list[Fee]) -> dict[str, Any]:
    representative = (
        db.session.get_one(Person, standing.representative_id).email
        if standing.representative_id
        else None
    )
    return {
        "member": standing.membership.handle,
        "kind": standing.kind,
        "organisation": standing.organisation,
        "representative": representative,
        "state": standing.state,
        "paid_until": standing.paid_until,
        "endorsed_version": _version_number(standing.constitution_version_id),
        "fees": [fee_out(scheme, f) for f in fees],
    }


def termination_out(t: Termination) -> dict[str, Any]:
    return {
        "id": t.id,
        "member": t.membership.handle,
        "reason": t.reason,
        "clause": t.clause,
        "decided_at": t.decided_at,
        "appeal": t.appeal,
        "appealed_at": t.appealed_at,
        "appeal_outcome": t.appeal_outcome,
        "appeal_note": t.appeal_note,
        "appeal_decided_at": t.appeal_decided_at,
    }
