"""Marshmallow schemas for members."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform import fields as api_fields
from lets_platform.identity.models import Person, RoleGrant
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.schemas import AccountOut, account_out
from lets_tenants.membership.me import Belonging
from lets_tenants.membership.models import Membership


class MemberIn(Schema):
    email = api_fields.Email(
        required=True,
        allow_none=True,
        metadata={"description": "null for a member without email (organisers act for them)"},
    )
    invite = fields.Boolean(
        load_default=True,
        metadata={"description": "mail an invitation to set a password (with an email)"},
    )
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    handle = api_fields.Handle(required=True)
    min_balance = api_fields.SignedAmount(load_default=None)
    max_balance = api_fields.SignedAmount(load_default=None, metadata={"example": "500.00"})


class MemberOut(Schema):
    handle = fields.String()
    invited = fields.Boolean(metadata={"description": "an invitation was mailed just now"})
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


class InvitationIn(Schema):
    email = api_fields.Email(
        load_default=None, allow_none=True, metadata={"description": "for a member without one"}
    )


class InvitationOut(Schema):
    handle = fields.String()
    sent_to = fields.String()
    expires_at = fields.DateTime()


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


class PersonOut(Schema):
    display_name = fields.String()
    email = fields.String(allow_none=True)
    national_administrator = fields.Boolean()
    regional_organiser_of = fields.List(fields.String(), metadata={"description": "networks"})


class MembershipOut(Schema):
    scheme = fields.String()
    scheme_name = fields.String()
    handle = fields.String(allow_none=True, metadata={"description": "null: roles only"})
    display_name = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    currency = fields.String()


class MeAccountOut(AccountOut):
    scheme = fields.String()


class MeOut(Schema):
    person = fields.Nested(PersonOut)
    memberships = fields.List(fields.Nested(MembershipOut))
    accounts = fields.List(fields.Nested(MeAccountOut))


def me_out(
    person: Person, schemes: list[Belonging], with_accounts: list[Belonging], networks: list[str]
) -> dict[str, Any]:
    return {
        "person": {
            "display_name": person.display_name,
            "email": person.email,
            "national_administrator": person.is_admin,
            "regional_organiser_of": networks,
        },
        "memberships": [
            {
                "scheme": b.scheme.slug,
                "scheme_name": b.scheme.name,
                "handle": b.membership.handle if b.membership else None,
                "display_name": b.membership.display_name if b.membership else None,
                "status": b.membership.status if b.membership else None,
                "roles": b.roles,
                "currency": b.scheme.currency_code,
            }
            for b in schemes
        ],
        "accounts": [
            {**account_out(b.scheme, b.account), "scheme": b.scheme.slug}
            for b in with_accounts
            if b.account is not None
        ],
    }
