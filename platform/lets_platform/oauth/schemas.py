"""Request and response bodies for registering OAuth clients, and for the consents a person
has given them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lets_platform import fields as api_fields


class ClientIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    redirect_uris = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    #: Space-separated; default: "openid profile email ledger:read".
    scopes = fields.String(load_default=None)
    #: The scheme the client acts for; omitted or null: the national body (administrators).
    scheme = api_fields.SlugRef(load_default=None, allow_none=True)


class ClientListArgs(Schema):
    scheme = api_fields.SlugRef(load_default=None)


class ClientOut(Schema):
    client_id = fields.String()
    name = fields.String()
    redirect_uris = fields.List(fields.String())
    scopes = fields.String()
    scheme = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ClientCreatedOut(ClientOut):
    #: Shown once, in this response only; the hub keeps only its digest.
    client_secret = fields.String()


class ConsentOut(Schema):
    """An application the person has allowed to act for them."""

    client_id = fields.String()
    name = fields.String()
    #: The scheme that registered it; null for the national body's.
    scheme = fields.String(allow_none=True)
    #: Space-separated: every scope allowed.
    scopes = fields.String()
    granted_at = fields.DateTime()
    updated_at = fields.DateTime()
