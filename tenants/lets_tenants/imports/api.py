"""REST handlers for imports: upload a legacy scheme's files, list past imports."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import ValidationError

from lets_platform.api import API_PREFIX, Blueprint
from lets_platform.errors import ValidationFailed
from lets_tenants.context import scheme_for
from lets_tenants.imports import operations as ops
from lets_tenants.imports.schemas import (
    ImportFormIn,
    ImportJsonIn,
    ImportOut,
    import_out,
    summary_out,
)

blp = Blueprint(
    "imports",
    __name__,
    url_prefix=API_PREFIX + "/schemes/<scheme>",
    description="Imports from legacy systems",
)


_FILE = {"type": "string", "format": "binary"}
_TEXT = {"type": "string", "description": "the CSV file's text"}
#: The upload as OpenAPI describes it: the same fields as multipart files or JSON text.
REQUEST_BODY = {
    "required": True,
    "content": {
        media: {
            "schema": {
                "type": "object",
                "required": ["accounts"],
                "properties": {"accounts": kind, "offers": kind, "dry_run": {"type": "boolean"}},
            }
        }
        for media, kind in (("multipart/form-data", _FILE), ("application/json", _TEXT))
    },
}


def _upload() -> dict[str, Any]:
    """The files and ``dry_run`` from a multipart form, or from a JSON body."""
    try:
        if request.mimetype == "multipart/form-data":
            body = ImportFormIn().load(request.form.to_dict())
            files = {name: request.files.get(name) for name in ("accounts", "offers")}
            if files["accounts"] is None:
                raise ValidationError({"accounts": ["A file 'accounts' is required."]})
            body["accounts"] = files["accounts"].read()
            body["offers"] = files["offers"].read() if files["offers"] is not None else None
            return body
        body = ImportJsonIn().load(request.get_json(silent=True) or {})
    except ValidationError as exc:
        raise ValidationFailed(
            f"The upload is not valid: {exc.messages}", errors=exc.messages
        ) from None
    for name in ("accounts", "offers"):
        body[name] = body[name].encode() if body[name] is not None else None
    return body


@blp.route("/imports", methods=["POST"])
@blp.doc(requestBody=REQUEST_BODY)
@blp.response(201, ImportOut)
@blp.alt_response(200, schema=ImportOut, description="A dry run: what would be written")
def create_import(scheme: str) -> Any:
    """Import members, accounts with balances and offers (multipart files ``accounts`` and
    ``offers``, or JSON with their text); all or nothing, every bad row reported."""
    person, found = scheme_for(scheme, "imports.run")
    body = _upload()
    dry_run = body["dry_run"] or request.args.get("dry_run") == "true"
    summary = ops.import_scheme(
        found, accounts=body["accounts"], offers=body["offers"], actor=person, dry_run=dry_run
    )
    return summary_out(found, summary), 200 if dry_run else 201


@blp.route("/imports", methods=["GET"])
@blp.response(200, ImportOut(many=True))
def list_imports(scheme: str) -> list[dict[str, Any]]:
    _, found = scheme_for(scheme, "imports.run")
    return [import_out(found, done) for done in ops.list_imports(found)]
