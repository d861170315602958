"""The field types of the API, in one place: what schemas declare (and the OpenAPI
document shows, with ``pattern`` and ``example``) is what operations check.

Patterns are matched whole (``fullmatch``) and ASCII only: a handle ``"alice\\n"`` or an
amount ``"١٠"`` is refused, by the schema with the same regular expression the operation
uses. Integers anywhere in the API are bounded to a signed 64-bit integer
(``bound_integers``, applied to every argument schema a route declares).
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lets_platform.edge import INT64_MAX, INT64_MIN

#: What every integer of the API may be: BIGINT's range.
INT64 = validate.Range(INT64_MIN, INT64_MAX, error="Must be a signed 64-bit integer.")


def bound_integers(schema: Schema) -> Schema:
    """Give every integer field of ``schema`` (nested ones too) without a range of its own
    the 64-bit range, so that ``before=9223372036854775808`` is a 422 instead of an
    overflow in the database; the OpenAPI document shows the bounds."""
    seen: set[int] = set()
    stack = [schema]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for field in current.fields.values():
            inner = field.inner if isinstance(field, fields.List) else field
            if isinstance(inner, fields.Integer) and not any(
                isinstance(v, validate.Range) for v in inner.validators
            ):
                inner.validators = [*inner.validators, INT64]
            if isinstance(inner, fields.Nested) and isinstance(inner.schema, Schema):
                stack.append(inner.schema)
    return schema
