"""The printable directory: every active listing of a scheme that its members may see
(scheme- and federation-visible), grouped by category in the tree's order, with each
owner's contact details as far as they chose to show them to the scheme; as PDF (fpdf2)
or CSV. Small schemes get the file at once; larger ones through a job with progress."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF
from sqlalchemy import func, select

from lets_platform import clock, fields
from lets_platform.db import db
from lets_platform.errors import _error
from lets_platform.money import format_amount
from lets_platform.storage import new_key, storage
from lets_platform.tenancy.models import Scheme
from lets_tenants.directory.categories import list_categories
from lets_tenants.directory.models import DirectoryExport, Listing
from lets_tenants.membership.models import Membership
from lets_tenants.profiles.models import AUDIENCES, Profile

FormatInvalid = _error("format_invalid", 422, "The directory comes as pdf or csv.")
ExportNotFound = _error("export_not_found", 404, "No such directory export.")
ExportNotReady = _error("export_not_ready", 409, "The directory is still being made.")
FORMATS = ("pdf", "csv")
#: Up to this many listings the file is made in the request; above, by a job.
AT_ONCE = 500
Progress = Callable[[int, int], None]


@dataclass
class Entry:
    section: str
    kind: str
    title: str
    description: str
    price: str
    area: str
    name: str
    handle: str
    contact: str


def _count(scheme: Scheme) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                Listing.scheme_id == scheme.id,
                Listing.status == "active",
                Listing.visibility.in_(("scheme", "federation")),
            )
        )
        or 0
    )


def _shown_to_scheme(profile: Profile | None, field: str) -> str:
    if profile is None or profile.hidden:
        return ""
    chosen = (profile.audience or {}).get(field)
    from lets_tenants.profiles.models import DEFAULT_AUDIENCE

    audience = chosen or DEFAULT_AUDIENCE[field]
    return str(getattr(profile, field)) if AUDIENCES.index(audience) >= 1 else ""


def entries(scheme: Scheme, progress: Progress | None = None) -> Iterator[Entry]:
    """The directory's entries, section by section (a parent category, then its
    children), offers before wants, titles in order."""
    categories = list_categories(scheme)
    top = {c.id: c for c in categories if c.parent_id is None}
    order: list[int] = []
    for parent in top.values():
        order.append(parent.id)
        order.extend(c.id for c in categories if c.parent_id == parent.id)
    names = {
        c.id: (top[c.parent_id].name + " — " + c.name if c.parent_id in top else c.name)
        for c in categories
    }
    total = _count(scheme)
    done = 0
    for category_id in order:
        rows = db.session.execute(
            select(Listing, Membership, Profile)
            .join(Membership, Membership.id == Listing.membership_id)
            .outerjoin(Profile, Profile.membership_id == Membership.id)
            .where(
                Listing.scheme_id == scheme.id,
                Listing.category_id == category_id,
                Listing.status == "active",
                Listing.visibility.in_(("scheme", "federation")),
            )
            .order_by(Listing.kind, Listing.title)
        ).all()
        for listing, member, profile in rows:
            price = ""
            if listing.price is not None:
                price = format_amount(listing.price, scheme.currency_decimals) + (
                    f" {scheme.currency_name}" + (" an hour" if listing.per_hour else "")
                )
            yield Entry(
                names[category_id],
                listing.kind,
                listing.title,
                listing.description,
                price,
                listing.area,
                member.display_name,
                member.handle,
                _shown_to_scheme(profile, "contact"),
            )
            done += 1
        if progress is not None:
            progress(done, total)


COLUMNS = (
    "category",
    "kind",
    "title",
    "description",
    "price",
    "area",
    "member",
    "handle",
    "contact",
)


def render_csv(scheme: Scheme, progress: Progress | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in entries(scheme, progress):
        writer.writerow(
            [
                e.section,
                e.kind,
                e.title,
                e.description,
                e.price,
                e.area,
                e.name,
                e.handle,
                e.contact,
            ]
        )
    return out.getvalue().encode("utf-8-sig")  # spreadsheet programs read the BOM as UTF-8


_PLAIN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "…": "..."})


def _latin(text: str) -> str:
    """Text the PDF's core fonts can print (Latin-1); anything else becomes "?"."""
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def render_pdf(scheme: Scheme, progress: Progress | None = None) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _latin(f"{scheme.name}: directory"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        6,
        _latin(f"As of {clock.now():%d %B %Y}. Prices in {scheme.currency_name}."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    section = None
    for e in entries(scheme, progress):
        if e.section != section:
            section = e.section
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 13)
            pdf.cell(0, 8, _latin(section), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 10)
        head = f"{'OFFER' if e.kind == 'offer' else 'WANTED'}: {e.title}" + (
            f"  ({e.price})" if e.price else ""
        )
        pdf.multi_cell(0, 5, _latin(head), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        who = (
            f"{e.name} ({e.handle})"
            + (f", {e.area}" if e.area else "")
            + (f" - {e.contact}" if e.contact else "")
        )
        if e.description:
            pdf.multi_cell(0, 4.5, _latin(e.description[:600]), new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 4.5, _latin(who), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())


RENDER: dict[str, Callable[..., bytes]] = {"pdf": render_pdf, "csv": render_csv}
MIMETYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def check_format(value: str) -> str:
    if value not in FORMATS:
        raise FormatInvalid(errors={"format": ["pdf or csv"]})
    return value


def needs_job(scheme: Scheme) -> bool:
    return _count(scheme) > AT_ONCE


def request_export(scheme: Scheme, fmt: str, requested_by: Any) -> DirectoryExport:
    """Queue a job that makes the file (sent once this commits)."""
    from lets_platform import jobs
    from lets_tenants.directory.tasks import make_export

    export = DirectoryExport(
        scheme_id=scheme.id,
        format=check_format(fmt),
        state="queued",
        done=0,
        total=_count(scheme),
        requested_by_id=requested_by.id if requested_by else None,
    )
    db.session.add(export)
    db.session.flush()
    jobs.send_after_commit(make_export, export.id)
    return export


def run_export(export_id: int) -> None:
    """The job's step: make the file, keep progress as it goes (its own commits), store
    the file. Done already: nothing to do."""
    export = db.session.get(DirectoryExport, export_id)
    if export is None or export.state == "done":
        return
    scheme = db.session.get_one(Scheme, export.scheme_id)
    export.state = "running"
    db.session.commit()

    def progress(done: int, total: int) -> None:
        export.done, export.total = done, total
        db.session.commit()

    data = RENDER[export.format](scheme, progress)
    key = new_key("directories", export.format)
    storage().save(key, data)
    export.file = key
    export.state = "done"
    export.finished_at = clock.now()


def get_export(scheme: Scheme, export_id: Any) -> DirectoryExport:
    number = fields.row_id(str(export_id))
    found = (
        None
        if number is None
        else db.session.scalar(
            select(DirectoryExport).where(
                DirectoryExport.id == number, DirectoryExport.scheme_id == scheme.id
            )
        )
    )
    if found is None:
        raise ExportNotFound()
    return found


def export_file(export: DirectoryExport) -> bytes:
    if export.state != "done" or export.file is None:
        raise ExportNotReady(f"{export.done} of {export.total} listings written so far.")
    data = storage().load(export.file)
    if data is None:
        raise ExportNotFound("The file has gone; ask for a new one.")
    return data


def recent_exports(scheme: Scheme, limit: int = 5) -> list[DirectoryExport]:
    query = (
        select(DirectoryExport)
        .where(DirectoryExport.scheme_id == scheme.id)
        .order_by(DirectoryExport.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
