"""Form helpers: the error summary's list, named errors of operations put beside the field
they concern in plain words, and field types the pages share."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField

from lets_platform.errors import LetsError

#: Plain words for named errors any form may meet, that fit every area; the operation's
#: own detail otherwise. An area passes its own words to ``refuse``/``plain`` and never
#: writes here, so its pages read the same whatever areas were loaded before it
#: (``{detail}`` is the operation's text).
MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "amount_invalid": "Enter an amount as a number, like 12.50",
        "amount_must_be_positive": "Enter an amount more than zero",
        "amount_too_large": "The amount is too large",
        "accounts_must_be_different": "The payer and the payee must be different accounts",
        "payee_not_found": "There is no member with this name or handle here",
        "payer_not_found": "There is no member with this name or handle here",
        "account_closed": "This account is closed",
        "account_suspended": "This account is suspended",
        "account_not_manageable": "This account cannot be paid by hand",
        "scheme_not_trading": "The scheme is not trading at the moment",
        "scheme_closed": "The scheme is closed",
        "validation_failed": "{detail}",
    }
)


def form_errors(form: Any) -> list[tuple[str | None, str]]:
    """Every error of a form for its summary: (field id or None, message), fields first
    in the form's order, then errors about the whole form (``form.form_errors``)."""
    found: list[tuple[str | None, str]] = []
    for field in form:
        if field.errors and field.name != "csrf_token":
            found.append((field.id, str(field.errors[0])))
    found.extend((None, str(message)) for message in getattr(form, "form_errors", []))
    return found


def plain(error: LetsError, messages: Mapping[str, str] | None = None) -> str:
    """The error in plain words for a page (``{detail}`` and the error's extra fields,
    such as ``{available}``, fill the template); ``messages`` overrides ``MESSAGES``."""
    template = (messages or {}).get(error.code) or MESSAGES.get(error.code)
    if not template:
        return error.detail
    try:
        return template.format(detail=error.detail, **error.extra)
    except (KeyError, IndexError):
        return error.detail


def refuse(
    form: FlaskForm,
    error: LetsError,
    fields: Mapping[str, str] | None = None,
    messages: Mapping[str, str] | None = None,
) -> None:
    """Put ``error`` beside the field ``fields[error.code]`` names, or above the form."""
    name = (fields or {}).get(error.code)
    field = form[name] if name and name in form else None
    if field is not None:
        field.errors = [*field.errors, plain(error, messages)]
    else:
        form.form_errors.append(plain(error, messages))


class AmountField(StringField):
    """An amount typed as text ("12.50"): the operation parses it with the currency's
    decimals, so the page never rounds or reformats what was typed."""

    def __init__(self, label: str = "Amount", **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "class": "input--short"})
        super().__init__(label, **kwargs)
