"""Demo data: Avon Vale LETS, winding up, with balances to repay and choices partly made."""

from __future__ import annotations

from datetime import timedelta

from lets_federation.rates.operations import set_rate
from lets_federation.windup.choices import choose
from lets_federation.windup.operations import decide
from lets_platform import clock
from lets_platform.demo import DemoContext
from lets_platform.identity.models import Person
from lets_platform.identity.operations import grant_role
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.operations import provision_scheme
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.operations import add_member, get_member

SLUG = "avon-vale"
MEMBERS = [("pat", "Pat Price"), ("quinn", "Quinn Quayle"), ("rosa", "Rosa Reed")]
MEMBERS += [("sam", "Sam Shaw"), ("tess", "Tess Tate")]
BEFORE = [  # payer, payee, amount, memo: the balances the meeting found
    ("pat", "quinn", "40.00", "Logs for the winter"),
    ("sam", "rosa", "25.00", "Hair cut"),
    ("pat", "tess", "15.00", "Proof-reading"),
    ("olwen", "rosa", "10.00", "Cakes for the meeting"),
]
AFTER = [  # trading goes on: debtors repay by selling, creditors spend down
    ("quinn", "pat", "12.00", "Repair of a chair (repaying)"),
    ("rosa", "sam", "5.00", "Seedlings"),
]


def _email(handle: str) -> str:
    return f"{handle}@demo.lets"


def seed(context: DemoContext) -> None:
    national = context.people["nadia"]
    scheme = provision_scheme(
        slug=SLUG,
        name="Avon Vale LETS",
        network="south-west",
        currency_code="AVN",
        currency_name="Avons",
        rate="10",
        default_min_balance="-100.00",
        actor=national,
    )
    set_rate(SLUG, "10", actor=national)
    olwen = add_member(
        scheme, email=_email("olwen"), display_name="Olwen Organiser", handle="olwen", actor=None
    )
    grant_role(olwen.person, "organiser", scheme_id=scheme.id, granted_by=national)
    for handle, name in MEMBERS:
        add_member(scheme, email=_email(handle), display_name=name, handle=handle, actor=None)
    for payer, payee, amount, memo in BEFORE:
        transfer(scheme, payer=payer, payee=payee, amount=amount, memo=memo, entered_by=None)
    today = clock.now().date()
    decide(
        scheme,
        votes_for=14,
        votes_against=4,
        votes_abstaining=2,
        meeting_date=today,
        deadline=today + timedelta(days=42),
        significant_debit="20.00",
        actor=national,
    )
    for payer, payee, amount, memo in AFTER:
        transfer(scheme, payer=payer, payee=payee, amount=amount, memo=memo, entered_by=None)
    _choices(context, scheme, olwen.person)


def _choices(context: DemoContext, scheme: Scheme, organiser: Person) -> None:
    quinn = get_member(scheme, "quinn").person
    choose(scheme, actor=quinn, destination="wiltshire")
    choose(scheme, actor=organiser, member="rosa", destination="pool")
    context.people["olwen"] = organiser
    context.notes.append(
        "Avon Vale LETS (avon-vale) is winding up: repayment until the deadline, no account "
        "goes further into debit, no new members; quinn chose Wiltshire, rosa the pool on "
        "paper (via olwen), the others default to pool-south-west. GET /api/v1/schemes/"
        "avon-vale/wind-up (olwen, nadia); the notices wait in the mail queue and leave, into "
        "<instance>/outbox/, as soon as the hub serves (or a worker and `lets scheduler` run)"
    )
