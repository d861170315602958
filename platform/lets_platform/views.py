"""The hub's front page: what is hosted here and where the API lives."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from sqlalchemy import select

from lets_platform.db import db
from lets_platform.tenancy.models import Scheme

bp = Blueprint("hub", __name__, template_folder="templates")


@bp.route("/")
def home() -> str:
    """Schemes by region (regional pools are not schemes one joins; closed ones are gone)."""
    schemes = db.session.scalars(
        select(Scheme)
        .where(Scheme.kind == "scheme", Scheme.status != "closed")
        .order_by(Scheme.name)
    ).all()
    regions: dict[str, list[Scheme]] = {}
    for scheme in schemes:
        regions.setdefault(scheme.network.name if scheme.network else "Other schemes", []).append(
            scheme
        )
    ordered = sorted(regions.items(), key=lambda item: (item[0] == "Other schemes", item[0]))
    return render_template("home.html", regions=ordered)


@bp.route("/healthz")
def healthz() -> dict[str, str]:
    db.session.execute(select(1))
    return {"status": "ok"}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
