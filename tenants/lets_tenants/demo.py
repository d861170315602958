"""Demo data for the ledger: national body, three schemes, members, funds, trades, an invoice."""

from __future__ import annotations

from lets_platform.demo import DemoContext
from lets_platform.identity.operations import add_person, grant_role
from lets_platform.tenancy.operations import provision_scheme
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.invoices.operations import send_invoice
from lets_tenants.ledger.operations import transfer
from lets_tenants.membership.operations import add_member

SCHEMES = [
    # slug, name, network, code, unit name, rate (units per federation hour), credit limit
    ("wiltshire", "Wiltshire Exchange Scheme", "south-west", "WES", "WES units", "10", "-200.00"),
    ("bright", "The Bright Exchange", "south-east", "LNK", "Links", "12", "-150.00"),
    ("london", "London LETS", "london", "LON", "London pounds", "15", "-300.00"),
]

MEMBERS = {
    "wiltshire": [
        ("alice", "Alice Archer"),
        ("dave", "Dave Dyer"),
        ("erin", "Erin Ellis"),
        ("frank", "Frank Foley"),
    ],
    "bright": [("bob", "Bob Baker"), ("gita", "Gita Gill"), ("hal", "Hal Hughes")],
    "london": [("ines", "Ines Ibarra"), ("jo", "Jo James"), ("kofi", "Kofi Kent")],
}

ORGANISERS = {
    "wiltshire": ("carol", "Carol Cole"),
    "bright": ("bea", "Bea Bright"),
    "london": ("lena", "Lena Lowe"),
}

TRADES = {
    "wiltshire": [
        ("alice", "dave", "25.00", "Bike repair"),
        ("dave", "erin", "12.50", "Eggs"),
        ("erin", "alice", "40.00", "Two hours of gardening"),
        ("frank", "alice", "8.00", "Bread"),
        ("admin", "carol", "10.00", "Admin work: newsletter"),
    ],
    "bright": [
        ("bob", "gita", "30.00", "Guitar lesson"),
        ("gita", "hal", "15.00", "Lift to Lewes"),
        ("hal", "bob", "22.00", "Sewing repairs"),
    ],
    "london": [
        ("ines", "jo", "45.00", "Translation"),
        ("jo", "kofi", "20.00", "Childcare"),
        ("kofi", "ines", "18.00", "Plumbing help"),
    ],
}


def _email(handle: str) -> str:
    return f"{handle}@demo.lets"


def seed(context: DemoContext) -> None:
    national = add_person(
        _email("nadia"), "Nadia National (LETSlink UK)", admin=True, password="demo-password"
    )
    context.people["nadia"] = national
    for slug, name, network, code, unit, rate, floor in SCHEMES:
        scheme = provision_scheme(
            slug=slug,
            name=name,
            network=network,
            currency_code=code,
            currency_name=unit,
            rate=rate,
            default_min_balance=floor,
            constitution=slug,  # each demo scheme on its own constitution's template
            actor=national,
        )
        handle, display = ORGANISERS[slug]
        organiser = add_member(
            scheme, email=_email(handle), display_name=display, handle=handle, actor=national
        )
        grant_role(organiser.person, "organiser", scheme_id=scheme.id, granted_by=national)
        for handle, display in MEMBERS[slug]:
            add_member(
                scheme, email=_email(handle), display_name=display, handle=handle, actor=national
            )
        open_central_account(
            scheme, "admin", "Administration fund", min_balance="-500.00", actor=national
        )
        for payer, payee, amount, memo in TRADES[slug]:
            entered_by = organiser.person if payer == "admin" else None
            transfer(
                scheme, payer=payer, payee=payee, amount=amount, memo=memo, entered_by=entered_by
            )
        if slug == "wiltshire":
            carol = organiser.person
            transfer(
                scheme,
                payer="frank",
                payee="erin",
                amount="6.00",
                memo="Paper cheque #112",
                channel="cheque",
                entered_by=carol,
            )
            send_invoice(
                scheme,
                sender="alice",
                payer="dave",
                amount="15.00",
                memo="Bike repair, second visit",
                actor=None,
            )
    context.notes.append(
        "Demo: Wiltshire (WES units), The Bright Exchange (Links) and London LETS, each with an "
        "organiser (carol, bea, lena), members, an administration fund and a few trades; "
        "alice has sent dave an open invoice; nadia is the national administrator."
    )
