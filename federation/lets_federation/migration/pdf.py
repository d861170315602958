"""The closure report as a PDF (fpdf2): the totals that reconcile, then every account."""

from __future__ import annotations

from fpdf import FPDF

from lets_federation.migration.report import (
    LINE_HEADER,
    TOTAL_HEADER,
    Report,
    lines,
    totals,
)

_LINE_WIDTHS = (34, 16, 26, 14, 50, 26, 18, 28, 14)
_TOTAL_WIDTHS = (34, 22, 16, 16, 30, 30, 30, 40, 18)


def _latin(text: str) -> str:
    """The PDF's core fonts speak Latin-1; anything else is shown as '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def to_pdf(report: Report) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    title = f"Closure report: {report.source.name} ({report.source.slug})"
    pdf.cell(0, 10, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    run = report.run
    summary = (
        f"{run.kind.replace('_', ' ')} run {run.id}: {run.done} of {run.total} accounts moved, "
        f"started {run.started_at:%Y-%m-%d %H:%M} UTC"
        + (f", finished {run.finished_at:%Y-%m-%d %H:%M} UTC" if run.finished_at else "")
        + (". Every total reconciles." if report.reconciles else ". NOT RECONCILED.")
    )
    pdf.multi_cell(0, 5, _latin(summary), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _table(pdf, TOTAL_HEADER, totals(report), _TOTAL_WIDTHS)
    pdf.ln(4)
    _table(pdf, LINE_HEADER, lines(report), _LINE_WIDTHS)
    return bytes(pdf.output())


def _table(pdf: FPDF, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
    pdf.set_font("Helvetica", "B", 7)
    for text, width in zip(header, widths, strict=True):
        pdf.cell(width, 5, _latin(text.replace("_", " ")), border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 7)
    for row in rows:
        for text, width in zip(row, widths, strict=True):
            pdf.cell(width, 4.5, _latin(text)[:40], border=1)
        pdf.ln()
