"""Marshmallow schemas for the audit log."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lets_platform.audit.models import AuditEntry


class AuditArgs(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))
    before = fields.Integer(load_default=None, metadata={"description": "entries older than id"})


class AuditOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    scheme = fields.String(allow_none=True)
    action = fields.String()
    subject = fields.String()
    details = fields.Dict()


def entry_out(entry: AuditEntry, actors: dict[int, str], schemes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at,
        "actor": actors.get(entry.actor_id) if entry.actor_id else None,
        "scheme": schemes.get(entry.scheme_id) if entry.scheme_id else None,
        "action": entry.action,
        "subject": entry.subject,
        "details": entry.details,
    }
