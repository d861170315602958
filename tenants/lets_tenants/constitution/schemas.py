"""Marshmallow schemas of a constitution: versions, parameters with clauses, diffs."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from lets_tenants.constitution import parameters as params
from lets_tenants.constitution.models import ConstitutionVersion
from lets_tenants.constitution.operations import diff


class ParameterOut(Schema):
    name = fields.String()
    label = fields.String()
    value = fields.Raw(allow_none=True)
    clause = fields.String(allow_none=True, metadata={"description": "null: the text is silent"})
    changed_by = fields.String(metadata={"description": "general_meeting or committee"})
    plain = fields.String(metadata={"description": "the value in the constitution's words"})


class ChangeOut(Schema):
    parameter = fields.String()
    label = fields.String()
    clause = fields.String(allow_none=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class VersionOut(Schema):
    number = fields.Integer()
    template = fields.String()
    authority = fields.String(metadata={"description": "provisioned, motion or committee"})
    ballot = fields.Integer(allow_none=True)
    meeting = fields.Integer(allow_none=True)
    note = fields.String()
    adopted_at = fields.DateTime()
    parameters = fields.List(fields.Nested(ParameterOut))
    text = fields.String()
    changes = fields.List(fields.Nested(ChangeOut))
    text_diff = fields.List(fields.String())


class CommitteeChangeIn(Schema):
    changes = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)
    note = fields.String(load_default="")


class TemplateOut(Schema):
    key = fields.String()
    title = fields.String()
    parameters = fields.List(fields.Nested(ParameterOut))


def parameters_out(values: dict[str, Any], clauses: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": definition.label,
            "value": values.get(name),
            "clause": clauses.get(name),
            "changed_by": definition.authority,
            "plain": params.plain(name, values.get(name)),
        }
        for name, definition in params.PARAMETERS.items()
    ]


def version_out(
    version: ConstitutionVersion, previous: ConstitutionVersion | None = None, *, text: bool = True
) -> dict[str, Any]:
    changes, text_diff = diff(previous, version)
    return {
        "number": version.number,
        "template": version.template,
        "authority": version.authority,
        "ballot": version.ballot_id,
        "meeting": version.meeting_id,
        "note": version.note,
        "adopted_at": version.adopted_at,
        "parameters": parameters_out(version.parameters, version.clauses),
        "text": version.text if text else "",
        "changes": [c.__dict__ for c in changes],
        "text_diff": text_diff,
    }
