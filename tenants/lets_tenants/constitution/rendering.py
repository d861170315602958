"""The constitution's Markdown as HTML for its page: headings, paragraphs, list items and
emphasis lines, every character escaped (the text is a scheme's own, never trusted)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def to_html(text: str) -> Markup:
    parts: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        heading = _HEADING.match(lines[0])
        if heading and len(lines) == 1:
            level = len(heading.group(1)) + 1  # the page's own title is the h1
            parts.append(f"<h{level}>{escape(heading.group(2))}</h{level}>")
        elif all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{escape(line.lstrip()[2:])}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        elif lines[0].startswith("_") and lines[-1].endswith("_"):
            parts.append(f"<p><em>{escape(' '.join(lines)[1:-1])}</em></p>")
        else:
            parts.extend(f"<p>{escape(line.strip())}</p>" for line in lines)
    return Markup("\n".join(parts))
