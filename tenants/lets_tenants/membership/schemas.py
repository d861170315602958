"""Marshmallow schemas for members."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform import fields as api_fields
from lets_platform.identity.models import RoleGrant
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.schemas import AccountOut, account_out
from lets_tenants.membership.models import Membership


class MemberIn(Schema):
    email = api_fields.Email(required=True)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    handle = api_fields.Handle(required=True)
    min_balance = api_fields.SignedAmount(load_default=None)
    max_balance = api_fields.SignedAmount(load_default=None, metadata={"example": "500.00"})


class MemberOut(Schema):
    handle = fields.String()
    display_name = fields.String()
    status = fields.String()
    joined_at = fields.DateTime()
    account = fields.Nested(AccountOut, allow_none=True)


def member_out(scheme: Scheme, membership: Membership, account: Account | None) -> dict[str, Any]:
    return {
        "handle": membership.handle,
        "display_name": membership.display_name,
        "status": membership.status,
        "joined_at": membership.joined_at,
        "account": account_out(scheme, account) if account is not None else None,
    }


class RoleIn(Schema):
    role = fields.String(required=True)


class RoleOut(Schema):
    handle = fields.String()
    role = fields.String()
    granted_at = fields.DateTime()
    granted_by = fields.String(allow_none=True)


def role_out(membership: Membership, grant: RoleGrant) -> dict[str, Any]:
    return {
        "handle": membership.handle,
        "role": grant.role,
        "granted_at": grant.granted_at,
        "granted_by": grant.granted_by.email if grant.granted_by else None,
    }
