"""``lets members``, ``lets accounts`` and ``lets transfers``: a scheme's life from the shell."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from lets_platform.cli import transactional
from lets_platform.identity.operations import get_person
from lets_platform.tenancy.operations import get_scheme
from lets_tenants.accounts import operations as accounts
from lets_tenants.ledger import operations as ledger
from lets_tenants.membership import invitations
from lets_tenants.membership import operations as membership

members = AppGroup("members", help="Members of a scheme.")
accounts_cli = AppGroup("accounts", help="Accounts of a scheme.")
transfers = AppGroup("transfers", help="Transfers within a scheme.")


@members.command("add")
@click.argument("scheme")
@click.argument("email")
@click.option("--handle", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--min-balance", default=None, help="Credit limit; default: the scheme's.")
@transactional
def members_add(
    scheme: str, email: str, handle: str, display_name: str, min_balance: str | None
) -> None:
    """Add EMAIL to SCHEME under HANDLE (the person is created if new)."""
    found = get_scheme(scheme)
    membership.add_member(
        found,
        email=email,
        display_name=display_name,
        handle=handle,
        min_balance=min_balance,
        actor=None,
    )
    click.echo(f"added {scheme}/{handle}")


@members.command("invite")
@click.argument("scheme")
@click.argument("handle")
@click.option("--email", default=None, help="For a member who has no email address yet.")
@transactional
def members_invite(scheme: str, handle: str, email: str | None) -> None:
    """Mail the member HANDLE an invitation to set a password (a link, once, 7 days)."""
    link = invitations.invite_member(get_scheme(scheme), handle, actor=None, email=email)
    click.echo(f"invited {scheme}/{handle} at {link.email}; the mail leaves on commit")


@members.command("list")
@click.argument("scheme")
def members_list(scheme: str) -> None:
    found = get_scheme(scheme)
    for m in membership.list_members(found):
        account = accounts.get_account(found, m.handle)
        click.echo(f"{m.handle}\t{found.currency.format(account.balance)}\t{m.display_name}")


@accounts_cli.command("open-central")
@click.argument("scheme")
@click.argument("name")
@click.option("--title", default="", help='e.g. "Administration fund".')
@click.option("--min-balance", default="0")
@transactional
def open_central(scheme: str, name: str, title: str, min_balance: str) -> None:
    """Open a central account (fund, budget) in SCHEME."""
    accounts.open_central_account(
        get_scheme(scheme), name, title, min_balance=min_balance, actor=None
    )
    click.echo(f"opened {scheme}/{name}")


@accounts_cli.command("set-limits")
@click.argument("scheme")
@click.argument("name")
@click.option("--min-balance", default=None)
@click.option("--max-balance", default=None)
@transactional
def set_limits(scheme: str, name: str, min_balance: str | None, max_balance: str | None) -> None:
    """Change an account's credit limit and/or upper limit."""
    changes = {
        k: v
        for k, v in (("min_balance", min_balance), ("max_balance", max_balance))
        if v is not None
    }
    accounts.change_account(get_scheme(scheme), name, actor=None, **changes)
    click.echo(f"changed {scheme}/{name}")


@transfers.command("create")
@click.argument("scheme")
@click.argument("payer")
@click.argument("payee")
@click.argument("amount")
@click.option("--memo", default="")
@click.option(
    "--channel",
    default="paper",
    show_default=True,
    type=click.Choice(["online", "cheque", "voucher", "paper"]),
)
@click.option("--entered-by", default=None, help="Email of the organiser entering it.")
@transactional
def transfers_create(
    scheme: str,
    payer: str,
    payee: str,
    amount: str,
    memo: str,
    channel: str,
    entered_by: str | None,
) -> None:
    """Enter a transfer of AMOUNT from PAYER to PAYEE (e.g. from a paper cheque)."""
    person = get_person(entered_by) if entered_by else None
    result = ledger.transfer(
        get_scheme(scheme),
        payer=payer,
        payee=payee,
        amount=amount,
        memo=memo,
        channel=channel,
        entered_by=person,
    )
    click.echo(str(result.transfer.id))


def init_app(app: Flask) -> None:
    for group in (members, accounts_cli, transfers):
        if group.name not in app.cli.commands:
            app.cli.add_command(group)
