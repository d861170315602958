"""Marshmallow schemas for imports: the upload (multipart files or JSON text) and the summary."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from lets_platform.tenancy.models import Scheme
from lets_tenants.imports.models import Import
from lets_tenants.imports.operations import Summary


class ImportJsonIn(Schema):
    """The JSON form of an upload, for scripts: the files' text."""

    accounts = fields.String(required=True, metadata={"description": "the accounts CSV"})
    offers = fields.String(load_default=None, allow_none=True)
    dry_run = fields.Boolean(load_default=False)


class ImportFormIn(Schema):
    """The multipart form's fields besides the files ``accounts`` and ``offers``."""

    dry_run = fields.Boolean(load_default=False)


class ImportOut(Schema):
    id = fields.Integer(allow_none=True, metadata={"description": "null for a dry run"})
    dry_run = fields.Boolean()
    members = fields.Integer()
    central_accounts = fields.Integer()
    offers = fields.Integer()
    opening_transfers = fields.Integer(allow_none=True)
    total_credit = fields.String(metadata={"description": "sum of the positive balances"})
    accounts_sha256 = fields.String()
    offers_sha256 = fields.String(allow_none=True)
    created_at = fields.DateTime(allow_none=True)


def summary_out(scheme: Scheme, summary: Summary) -> dict[str, Any]:
    return {
        "id": summary.record.id if summary.record else None,
        "dry_run": summary.dry_run,
        "members": summary.members,
        "central_accounts": summary.central_accounts,
        "offers": summary.offers,
        "opening_transfers": summary.opening_transfers,
        "total_credit": scheme.currency.format(summary.total_credit),
        "accounts_sha256": summary.accounts_sha256,
        "offers_sha256": summary.offers_sha256,
        "created_at": summary.created_at,
    }


def import_out(scheme: Scheme, done: Import) -> dict[str, Any]:
    return {
        "id": done.id,
        "dry_run": False,
        "members": done.members,
        "central_accounts": done.central_accounts,
        "offers": done.offers,
        "opening_transfers": None,
        "total_credit": scheme.currency.format(done.total_credit),
        "accounts_sha256": done.accounts_sha256,
        "offers_sha256": done.offers_sha256,
        "created_at": done.created_at,
    }
