"""Putting an operation's named error next to the form field it is about.

Operations raise ``LetsError``s with a stable ``code`` (and, for validation, the fields in
``extra["errors"]``); a page shows the error's plain-words detail beside the field the
code belongs to, or at the top of the form when it belongs to none.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm

from lets_platform.errors import LetsError


def show(form: FlaskForm, error: LetsError, fields: Mapping[str, str] | None = None) -> None:
    """Attach ``error`` to a field of ``form``: the one ``fields`` names for its code, else
    the first field its ``errors`` name that the form has, else the form as a whole."""
    name = (fields or {}).get(error.code)
    if name is None:
        named = error.extra.get("errors")
        if isinstance(named, Mapping):
            name = next((key.split(".")[-1] for key in named if key.split(".")[-1] in form), None)
    if name is not None and name in form:
        field = form[name]
        field.errors = [*field.errors, error.detail]
    else:
        form.form_errors.append(error.detail)


def summary(form: FlaskForm) -> list[tuple[str | None, str]]:
    """Every error of ``form`` as (the field's id, or None for the form, message), in the
    form's order: the error summary at the top of a page links each to its field."""
    found: list[tuple[str | None, str]] = [(None, message) for message in form.form_errors]
    for field in form:
        found += [(field.id, str(message)) for message in field.errors]
    return found
