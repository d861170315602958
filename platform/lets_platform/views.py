"""The hub's front page: what is hosted here and where the API lives."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from sqlalchemy import select

from lets_platform.db import db
from lets_platform.tenancy.models import Scheme

bp = Blueprint("hub", __name__, template_folder="templates")


@bp.route("/")
def home() -> str:
    schemes = db.session.scalars(select(Scheme).order_by(Scheme.name)).all()
    return render_template("home.html", schemes=schemes)


@bp.route("/healthz")
def healthz() -> dict[str, str]:
    db.session.execute(select(1))
    return {"status": "ok"}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
