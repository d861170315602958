"""Paying someone in the scheme: the form, a check-your-answers page, then the payment
and a confirmation. The form's hidden ``id`` is the transfer's id: pressing Pay twice, or
sending the page again, replays the same payment instead of making a second one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from lets_platform import web
from lets_platform.errors import LetsError
from lets_platform.tenancy.models import Scheme
from lets_tenants.ledger import operations as ledger
from lets_tenants.pages.finding import find_member
from lets_tenants.pages.forms import FIELDS, WORDS, PayForm
from lets_tenants.pages.views import my_account

bp = Blueprint("pay", __name__, template_folder="templates", url_prefix="/s/<scheme>")

#: An area that pays members of other schemes registers its endpoint here (it takes
#: ``scheme`` and the form's fields as query values): ``scheme/handle`` goes there.
ELSEWHERE = "lets_pay_elsewhere"


def _form_page(scheme: Scheme, form: PayForm, account: Any, matches: Any = (), status: int = 200):
    page = render_template(
        "member/pay.html", scheme=scheme, form=form, account=account, matches=matches
    )
    return page, status


@bp.route("/pay", methods=["GET"])
@web.login_required
def pay(scheme: str) -> Any:
    """The form, filled from the query when coming back to change an answer."""
    _, found, _, account = my_account(scheme, "transfers.pay_own")
    form = PayForm(formdata=request.args if request.args else None)
    return _form_page(found, form, account)


@bp.route("/pay", methods=["POST"])
@web.login_required
def check(scheme: str) -> Any:
    """Check the answers: find the payee, check the amount, show what will happen."""
    _, found, membership, account = my_account(scheme, "transfers.pay_own")
    form = PayForm()
    if not form.validate():
        return _form_page(found, form, account, status=422)
    typed = (form.payee.data or "").strip()
    if "/" in typed and not typed.startswith(found.slug + "/"):
        return _elsewhere(found, form)
    found_payee = find_member(
        found, typed.removeprefix(found.slug + "/"), not_handle=membership.handle
    )
    if found_payee.account is None:
        form.payee.errors = [_not_found(found, typed, found_payee.matches)]
        return _form_page(found, form, account, found_payee.matches, 422)
    try:
        minor = found.currency.parse(form.amount.data).minor
    except LetsError as error:
        web.refuse(form, error, FIELDS, WORDS)
        return _form_page(found, form, account, status=422)
    return render_template(
        "member/pay_check.html",
        scheme=found,
        form=form,
        payee=found_payee.account,
        minor=minor,
        account=account,
    )


def _not_found(scheme: Scheme, typed: str, matches: list[Any]) -> str:
    if matches:
        return f"{len(matches)} members match “{typed}”: choose one below"
    return (
        f"No member of {scheme.name} is called “{typed}”. Check the spelling, or use their handle"
    )


def _elsewhere(scheme: Scheme, form: PayForm) -> Any:
    from flask import current_app

    endpoint = current_app.extensions.get(ELSEWHERE)
    if endpoint is None:
        form.payee.errors = ["You can pay only members of this scheme here"]
        return _form_page(scheme, form, None, status=422)
    values = {"payee": form.payee.data, "amount": form.amount.data, "memo": form.memo.data}
    return redirect(url_for(endpoint, scheme=scheme.slug, **values))


@bp.route("/pay/confirm", methods=["POST"])
@web.login_required
def confirm(scheme: str) -> Any:
    """Make the payment (once, whatever the number of presses), then show it."""
    person, found, membership, account = my_account(scheme, "transfers.pay_own")
    form = PayForm()
    if not form.validate():
        return _form_page(found, form, account, status=422)
    try:
        result = ledger.pay(
            found,
            payer=membership.handle,
            payee=(form.payee.data or "").strip(),
            amount=form.amount.data,
            memo=form.memo.data or "",
            id=form.id.data,
            entered_by=person,
            reader=person,
        )
    except LetsError as error:
        if "available" in error.extra:
            error.extra["available"] = f"{error.extra['available']} {found.currency_name}"
        web.refuse(form, error, FIELDS, WORDS)
        return _form_page(found, form, account, status=422)
    return redirect(url_for("pay.done", scheme=found.slug, transfer_id=result.transfer.id))


@bp.route("/pay/done/<transfer_id>")
@web.login_required
def done(scheme: str, transfer_id: str) -> Any:
    person, found, _, account = my_account(scheme)
    transfer = ledger.get_transfer(found, transfer_id)
    if not ledger.may_read(person, found, transfer):
        raise ledger.TransferNotFound()
    return render_template("member/pay_done.html", scheme=found, transfer=transfer, account=account)
