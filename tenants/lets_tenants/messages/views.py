"""Message pages: the inbox, a conversation with one member (reply, block), across schemes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from lets_platform import web
from lets_platform.errors import LetsError
from lets_platform.tenancy import scope
from lets_tenants.directory.forms import refuse
from lets_tenants.messages import operations as ops

bp = Blueprint("messages", __name__, template_folder="templates")
NAV = (web.Nav("Messages", "messages.conversation", group="account", order=5),)


class ReplyForm(FlaskForm):
    subject = StringField("Subject (optional)")
    body = TextAreaField("Message", render_kw={"rows": 4})


def _page(person: Any, other: str | None, form: ReplyForm, status: int = 200) -> Any:
    rows, _ = ops.conversation(person, with_=other, limit=100)
    if other:
        ops.mark_read(person, rows)
    own = {m.id for m in ops.memberships_of(person)}
    blocked = bool(other) and any(
        ops.address_of(b_member) == other
        for b_member in (ops.blocked_member(b) for b in ops.blocks_of(person))
    )
    return (
        render_template(
            "messages/conversation.html",
            messages=list(reversed(rows)) if other else rows,
            other=other,
            own=own,
            form=form,
            blocked=blocked,
            address_of=ops.address_of,
        ),
        status,
    )


@bp.route("/messages", methods=["GET", "POST"])
@web.login_required
def conversation() -> Any:
    person = web.signed_in()
    scope.allow_all()  # messages cross schemes; the operations decide whose are read
    other = request.args.get("with") or None
    form = ReplyForm()
    if other:
        try:
            ops.member_at(other, field="with")
        except LetsError:
            flash(f"There is no member {other}.", "warning")
            return redirect(url_for("messages.conversation"))
    if request.method == "POST" and other and form.validate_on_submit():
        try:
            ops.send_message(
                person, to=other, body=form.body.data or "", subject=form.subject.data or ""
            )
        except LetsError as error:
            refuse(form, error)
            return _page(person, other, form, 422)
        flash("Sent.", "success")
        return redirect(_conversation_url(other))
    return _page(person, other, form)


@bp.route("/messages/block", methods=["POST"])
@web.login_required
def block() -> Any:
    person = web.signed_in()
    scope.allow_all()
    member = request.form.get("member", "")
    if request.form.get("undo"):
        ops.unblock(person, member)
        flash(f"You receive messages from {member} again.", "success")
    else:
        ops.block(person, member)
        flash(f"You receive no more messages from {member}.", "success")
    return redirect(_conversation_url(member))


def _conversation_url(member: str) -> str:
    """The conversation page with ``member`` (``with`` is a keyword in Python)."""
    return url_for("messages.conversation") + "?" + urlencode({"with": member})
