"""Marshmallow schemas of a wind-up; amounts are decimal strings in the scheme's currency."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from lets_federation.windup.choices import Row
from lets_federation.windup.models import WindUp
from lets_federation.windup.report import Position, Repayment
from lets_platform import fields as api_fields
from lets_platform.db import db
from lets_platform.identity.models import Person
from lets_platform.money import format_amount


class WindUpIn(Schema):
    votes_for = fields.Integer(required=True, strict=True)
    votes_against = fields.Integer(required=True, strict=True)
    votes_abstaining = fields.Integer(load_default=0, strict=True)
    meeting_date = fields.Date(load_default=None, metadata={"description": "default: today"})
    deadline = fields.Date(required=True, metadata={"description": "last day to repay"})
    significant_debit = fields.String(
        load_default=None, metadata={"description": "what the meeting called significant"}
    )


class WindUpOut(Schema):
    scheme = fields.String()
    state = fields.String(metadata={"description": "repayment, migrating or closed"})
    decided_at = fields.DateTime()
    meeting_date = fields.Date()
    votes_for = fields.Integer()
    votes_against = fields.Integer()
    votes_abstaining = fields.Integer()
    majority = fields.String(metadata={"description": "the scheme's wind-up majority rule"})
    electorate = fields.Integer(allow_none=True)
    deadline = fields.Date()
    significant_debit = fields.String(allow_none=True)
    pool = fields.String(metadata={"description": "the default destination"})
    currency = fields.String()


class StandingOut(Schema):
    account = fields.String()
    kind = fields.String()
    title = fields.String()
    balance = fields.String()
    significant = fields.Boolean()


class TrendPointOut(Schema):
    date = fields.Date()
    to_repay = fields.String()


class RepaymentOut(WindUpOut):
    days_left = fields.Integer()
    to_repay = fields.String(metadata={"description": "the debtors' total debit"})
    in_credit = fields.String()
    debtors = fields.List(fields.Nested(StandingOut))
    creditors = fields.List(fields.Nested(StandingOut))
    trend = fields.List(fields.Nested(TrendPointOut), metadata={"description": "end of each day"})
    choices_made = fields.Integer()
    members = fields.Integer()


class ChoiceIn(Schema):
    destination = api_fields.SlugRef(
        required=True, metadata={"description": 'a scheme\'s slug, or "pool"', "example": "pool"}
    )
    handle = api_fields.Handle(load_default=None)
    member = api_fields.HandleRef(
        load_default=None, metadata={"description": "the member's handle (organisers)"}
    )


class ChoiceOut(Schema):
    member = fields.String()
    display_name = fields.String()
    balance = fields.String()
    destination = fields.String()
    handle = fields.String(metadata={"description": "the member's handle at the destination"})
    creates_membership = fields.Boolean()
    chosen = fields.Boolean(metadata={"description": "false: the default (the pool)"})
    channel = fields.String(allow_none=True)
    entered_by = fields.String(allow_none=True)
    chosen_at = fields.DateTime(allow_none=True)


def wind_up_out(wind_up: WindUp) -> dict[str, Any]:
    scheme = wind_up.scheme
    threshold = wind_up.significant_debit
    return {
        "scheme": scheme.slug,
        "state": wind_up.state,
        "decided_at": wind_up.decided_at,
        "meeting_date": wind_up.meeting_date,
        "votes_for": wind_up.votes_for,
        "votes_against": wind_up.votes_against,
        "votes_abstaining": wind_up.votes_abstaining,
        "majority": wind_up.majority,
        "electorate": wind_up.electorate,
        "deadline": wind_up.deadline,
        "significant_debit": None
        if threshold is None
        else format_amount(threshold, scheme.currency_decimals),
        "pool": wind_up.pool.slug,
        "currency": scheme.currency_code,
    }


def repayment_out(report: Repayment, rows: list[Row]) -> dict[str, Any]:
    d = report.wind_up.scheme.currency_decimals
    return {
        **wind_up_out(report.wind_up),
        "days_left": report.days_left,
        "to_repay": format_amount(report.to_repay, d),
        "in_credit": format_amount(report.in_credit, d),
        "debtors": [_standing(p, d) for p in report.debtors],
        "creditors": [_standing(p, d) for p in report.creditors],
        "trend": [{"date": day, "to_repay": format_amount(v, d)} for day, v in report.trend],
        "choices_made": sum(r.choice is not None for r in rows),
        "members": len(rows),
    }


def _standing(p: Position, decimals: int) -> dict[str, Any]:
    return {
        "account": p.account.name,
        "kind": p.account.kind,
        "title": p.account.title,
        "balance": format_amount(p.balance, decimals),
        "significant": p.significant,
    }


def choice_out(row: Row, decimals: int) -> dict[str, Any]:
    choice = row.choice
    entered_by = choice.entered_by_id if choice is not None else None
    return {
        "member": row.membership.handle,
        "display_name": row.membership.display_name,
        "balance": format_amount(row.balance, decimals),
        "destination": row.destination.slug,
        "handle": row.handle,
        "creates_membership": row.creates_membership,
        "chosen": choice is not None,
        "channel": choice.channel if choice is not None else None,
        "entered_by": None if entered_by is None else _email(entered_by),
        "chosen_at": choice.chosen_at if choice is not None else None,
    }


def _email(person_id: int) -> str | None:
    return db.session.get_one(Person, person_id).email
