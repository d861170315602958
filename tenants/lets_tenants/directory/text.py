"""Members' text: the checks every field goes through, and descriptions rendered as a
small, safe subset of Markdown (markdown-it-py, then nh3 keeps only harmless tags).

Text is stored as written; HTML in it is text. It reaches a page only through
:func:`render_markdown` (escaped by markdown-it with ``html`` off, then sanitised) or
Jinja's autoescaping.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from lets_platform.errors import _error

TextMissing = _error("text_missing", 422, "A required text field is empty.")
TextTooLong = _error("text_too_long", 422, "A text field is longer than allowed.")
DateInThePast = _error("date_in_the_past", 422, "The date must not be in the past.")

#: The subset: emphasis, lists, links, quotes, code, line breaks. No images, no raw HTML.
ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote", "code", "pre"}
_MARKDOWN = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    .disable("image")
    .disable("heading")
    .disable("lheading")
    .disable("hr")
)


def render_markdown(source: str) -> Markup:
    """The safe HTML of a description."""
    html = _MARKDOWN.render(source or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)  # noqa: S704 (sanitised by nh3 just above)


def check_text(field: str, value: Any, longest: int, *, required: bool = False) -> str:
    """``value`` stripped, within ``longest`` characters; named errors name the field."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise TextMissing(f"{field} is required.", errors={field: ["Enter a value."]})
    if len(text) > longest:
        message = f"At most {longest} characters ({len(text)} given)."
        raise TextTooLong(f"{field}: {message}", errors={field: [message]})
    return text


def check_future(field: str, value: date, today: date) -> date:
    if value < today:
        message = f"{value.isoformat()} is in the past."
        raise DateInThePast(f"{field}: {message}", errors={field: [message]})
    return value
