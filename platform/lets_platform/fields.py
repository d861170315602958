"""The field types of the API, in one place: what schemas declare (and the OpenAPI
document shows, with ``pattern`` and ``example``) is what operations check.

Every pattern here is anchored and is matched whole (``fullmatch``; a ``$`` alone would let
``"alice\\n"`` in), with ASCII digits and letters only: the operations (``check_slug``,
``check_name``, ``normalise_email``, ``parse_rate``, ``money.parse_signed``) use these very
regular expressions, and the schemas document them. Two kinds of field:

- *checked* fields (``Slug``, ``Handle``, ``Email``, ``CurrencyCode``, ``Id``, and the
  references ``HandleRef``, ``SlugRef``, ``Address``) refuse a value that does not match
  (``validation_failed``); a well-formed reference that names nothing is the operation's
  ``..._not_found``;
- *named* fields (``Amount``, ``SignedAmount``, ``Rate``, ``FedAmount``) are documented
  with their pattern but loaded as sent, so that the operation names what is wrong
  (``amount_invalid``, ``rate_invalid``, ...), and refuses whatever does not match.

Integers anywhere in the API are bounded to a signed 64-bit integer (``bound_integers``,
applied to every argument schema a route declares).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from lets_platform.edge import INT64_MAX, INT64_MIN
from lets_platform.errors import _error

#: A scheme's or network's slug.
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.ASCII)
#: An account's name: a member's handle or a central account's name.
HANDLE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?$", re.ASCII)
#: An account across the federation: ``scheme/handle``.
ADDRESS = re.compile(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?/[a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?$", re.ASCII
)
#: A currency's code ("WES").
CURRENCY_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{1,11}$", re.ASCII)
#: An email address, as far as the hub checks one.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: A rate: a positive decimal or fraction ("10", "12.5", "25/2").
RATE = re.compile(r"^[0-9]+(?:\.[0-9]+)?(?:/[0-9]+(?:\.[0-9]+)?)?$", re.ASCII)
#: An amount, balance or limit: sign, whole part without leading zeros, decimals.
DECIMAL = re.compile(r"^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$", re.ASCII)
#: A positive amount as the API documents it (zero, too many decimals for the currency, or
#: too large an amount are the ledger's to refuse, by name).
AMOUNT = re.compile(r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$", re.ASCII)
#: An amount in federation units (6 decimals at most, checked by the operation).
FED_AMOUNT = DECIMAL
#: A UUID in its canonical form.
UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", re.ASCII
)
#: A UUID as a client may choose it: any version but 5 (the third group starts with it).
CLIENT_ID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-46-9a-fA-F][0-9a-fA-F]{3}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)

#: What every integer of the API may be: BIGINT's range.
INT64 = validate.Range(INT64_MIN, INT64_MAX, error="Must be a signed 64-bit integer.")

IdNotAllowed = _error(
    "id_not_allowed",
    422,
    "The hub derives ids of UUID version 5 itself (payments of invoices, legs of trades); "
    "choose a random one (version 4).",
)


class Fullmatch(validate.Validator):
    """Matches a string whole against ``regex`` (documented as the field's ``pattern``)."""

    def __init__(self, regex: re.Pattern[str], message: str) -> None:
        self.regex = regex
        self.message = message

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or not self.regex.fullmatch(value):
            raise ValidationError(self.message)
        return value


def _metadata(kwargs: dict[str, Any], **documented: Any) -> dict[str, Any]:
    return {**documented, **kwargs.pop("metadata", {})}


class _Checked(fields.String):
    regex: re.Pattern[str]
    example: str
    error: str

    def __init__(self, **kwargs: Any) -> None:
        metadata = _metadata(kwargs, example=self.example)
        checks = [Fullmatch(self.regex, self.error), *_as_list(kwargs.pop("validate", None))]
        super().__init__(validate=checks, metadata=metadata, **kwargs)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class Slug(_Checked):
    regex, example = SLUG, "wiltshire"
    error = "1-63 lower-case letters, digits and '-', starting and ending with a letter or digit."


class Handle(_Checked):
    regex, example = HANDLE, "alice"
    error = "1-40 lower-case letters, digits, '.', '_' or '-', starting and ending with one."


class Email(_Checked):
    regex, example = EMAIL, "alice@example.org"
    error = "Not an email address."


class CurrencyCode(_Checked):
    regex, example = CURRENCY_CODE, "WES"
    error = "2-12 ASCII letters and digits, starting with a letter."


class _Named(fields.Raw):
    """Documented as a string with a pattern; loaded as sent, for the operation to name."""

    regex: re.Pattern[str]
    example: str
    description: str

    def __init__(self, **kwargs: Any) -> None:
        documented = {"type": "string", "pattern": self.regex.pattern, "example": self.example}
        if getattr(self, "description", None):
            documented["description"] = self.description
        super().__init__(metadata=_metadata(kwargs, **documented), **kwargs)


class Amount(_Named):
    regex, example = AMOUNT, "12.50"
    description = "a decimal string with at most the currency's decimals, more than zero"


class SignedAmount(_Named):
    regex, example = DECIMAL, "-100.00"
    description = "a decimal string with at most the currency's decimals"


class FedAmount(_Named):
    regex, example = FED_AMOUNT, "12.500000"
    description = "federation units, at most 6 decimals"


class Rate(_Named):
    regex, example = RATE, "25/2"
    description = "units of the currency per federation unit: a decimal or a fraction"


class HandleRef(Handle):
    """An existing account, by name (one that does not exist is the operation's to name)."""


class SlugRef(Slug):
    """An existing scheme or network, by slug."""

    example = "bright"


class Address(_Checked):
    regex, example = ADDRESS, "wiltshire/alice"
    error = "An account across the federation: scheme/handle."


class Id(fields.String):
    """A client-chosen id (for idempotency): a UUID of any version but 5. The hub derives
    version-5 ids itself (an invoice's payment, a trade's legs, a federation invoice's
    trade, an ``Idempotency-Key``'s id), so a client that took one first could stop the
    hub from writing them: such an id is ``id_not_allowed``."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = _metadata(
            kwargs,
            pattern=CLIENT_ID.pattern,
            example="3f2b8c1e-6d4a-4b7e-9c2d-1a5e8f0b7c64",
            description="a UUID you choose (not version 5) to make the request idempotent",
        )
        kwargs.setdefault("load_default", None)
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        return check_client_id(text)


def check_client_id(value: str) -> str:
    """``value`` if it is a UUID a client may choose; ``validation_failed`` if it is no
    UUID, ``id_not_allowed`` if it is one of version 5."""
    if not UUID.fullmatch(value):
        raise ValidationError("Not a UUID (such as 3f2b8c1e-6d4a-4b7e-9c2d-1a5e8f0b7c64).")
    if uuid.UUID(value).version == 5:
        raise IdNotAllowed(f"{value} is a UUID of version 5; choose a random one (version 4).")
    return value


def row_id(text: str) -> int | None:
    """``text`` as a row id when it can be one (ASCII digits within a 64-bit key), else
    None: for ids read from a path or query by hand, so a lookup answers "not found"
    instead of overflowing the key."""
    if text.isascii() and text.isdigit() and int(text) <= INT64_MAX:
        return int(text)
    return None


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
