"""The member's statement: a date range, a page of lines at a time, and a CSV download
of the range."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request

from lets_platform import web
from lets_tenants.pages.forms import StatementForm
from lets_tenants.pages.views import my_account
from lets_tenants.statements import operations as statements

bp = Blueprint("statement", __name__, template_folder="templates", url_prefix="/s/<scheme>")

PAGE_SIZE = 50


def _bounds(form: StatementForm) -> tuple[datetime | None, datetime | None]:
    """The range as instants: from the start of ``start``'s day to the end of ``end``'s."""

    def at(day: date | None, plus: int = 0) -> datetime | None:
        return None if day is None else datetime.combine(day + timedelta(plus), time(), UTC)

    return at(form.start.data), at(form.end.data, 1)


@bp.route("/statement")
@web.login_required
def statement(scheme: str) -> Any:
    _, found, membership, account = my_account(scheme)
    form = StatementForm(request.args)
    valid = form.validate()
    if valid and form.start.data and form.end.data and form.start.data > form.end.data:
        form.end.errors = ["The end date must be the same as or after the start date"]
        valid = False
    start, end = _bounds(form) if valid else (None, None)
    if request.args.get("format") == "csv" and valid:
        return _csv(found, account, membership.handle, start, end)
    after = request.args.get("after", type=int)
    page = statements.page(found, account, start=start, end=end, after=after, limit=PAGE_SIZE)
    return render_template(
        "member/statement.html",
        scheme=found,
        form=form,
        page=page,
        account=account,
        range_args={k: v for k, v in request.args.items() if k in ("start", "end") and v},
    ), (200 if valid else 422)


def _csv(found: Any, account: Any, handle: str, start: Any, end: Any) -> Response:
    stmt = statements.statement(found, account, start=start, end=end)
    filename = f"{found.slug}-{handle}-statement.csv"
    return Response(
        statements.to_csv(found, stmt),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
