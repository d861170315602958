"""The closure report reconciles to the unit in every currency: per member the balance
before, the destination and the amount there; per scheme the items' totals equal what
the ledger's federation accounts moved; it downloads as CSV and PDF."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

import pytest

from lets_federation.migration import starts
from lets_federation.migration.pdf import to_pdf
from lets_federation.migration.report import build, to_csv
from lets_federation.migration.testing import run_of, run_to_end
from lets_federation.units import Side, from_fed
from lets_platform import invariants
from lets_platform.db import db
from lets_tenants.accounts.operations import open_central_account
from lets_tenants.ledger.operations import transfer

PAYMENTS = [
    ("m0", "m1", "13.33"),
    ("m2", "m3", "0.07"),
    ("m4", "m0", "99.99"),
    ("m5", "m2", "1.01"),
]


@pytest.fixture
def merged(create_scheme, create_member):
    """london (LON, 25/2 per hour, awkward for rounding) merged into bright (12 per hour)."""
    lon = create_scheme("london", rate="25/2")
    links = create_scheme("bright", rate="12")
    for i in range(6):
        create_member(lon, f"m{i}")
    open_central_account(lon, "admin", "Administration fund", min_balance="-500.00", actor=None)
    for payer, payee, amount in PAYMENTS:
        transfer(lon, payer=payer, payee=payee, amount=amount, entered_by=None)
    transfer(lon, payer="admin", payee="m5", amount="3.03", entered_by=None)
    db.session.commit()
    run = starts.start_merge("london", into="bright", actor=None)
    db.session.commit()
    run_to_end(run.id, size=3)
    return lon, links


def test_the_report_reconciles_in_every_currency(merged):
    lon, _ = merged
    report = build(run_of(lon))
    assert report.reconciles
    assert report.closing.items == report.closing.ledger == 0  # a zero-sum scheme's balances
    assert [(t.scheme.slug, t.items == t.ledger) for t in report.destinations] == [("bright", True)]


def test_each_line_is_the_balance_converted_at_the_rates_rounded_against_the_member(merged):
    """A credit arrives rounded down, a debit rounded up (more debt): less than a unit."""
    lon, links = merged
    report = build(run_of(lon))
    for item in report.items:
        exact = from_fed(item.fed_amount or 0, Side(links.currency_decimals, Fraction(12)))
        assert 0 <= exact - (item.amount_moved or 0) < 1, item.name
        assert (item.balance_before > 0) == ((item.amount_moved or 0) > 0) or not item.amount_moved


def test_the_residues_make_up_the_difference_exactly(merged):
    lon, _ = merged
    report = build(run_of(lon))
    bright = report.destinations[0]
    at_rate = Fraction(bright.fed_amount * 12 * 100, 10**6)
    assert bright.items + bright.residue == at_rate


def test_the_csv_lists_every_account_and_the_totals(merged):
    lon, _ = merged
    rows = list(csv.reader(io.StringIO(to_csv(build(run_of(lon))))))
    lines = rows[1 : rows.index([])]
    assert sorted(r[0] for r in lines) == ["admin", "m0", "m1", "m2", "m3", "m4", "m5"]
    assert lines[0][:5] == ["m0", "member", "86.66", "LON", "bright/m0"]
    totals = rows[rows.index([]) + 2 :]
    assert [(r[0], r[1], r[-1]) for r in totals] == [
        ("london", "closing", "yes"),
        ("bright", "destination", "yes"),
    ]


def test_the_pdf_is_a_pdf(merged):
    lon, _ = merged
    pdf = to_pdf(build(run_of(lon)))
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000


def test_a_credit_too_small_to_convert_closes_at_zero_and_stays_as_residue(
    create_scheme, create_member
):
    """b's credit of 0.0001 is worth a tenth of a micro hour: rounded down it is nothing,
    so it stays as the closing scheme's residue. a's debit of 0.0001 is rounded up, against
    the debtor, to a micro hour and a Links penny owed at the destination."""
    tiny = create_scheme("tiny", rate="1000", decimals=4)  # 0.0001 is a tenth of a micro hour
    create_scheme("bright", rate="12")
    for handle in ("a", "b"):
        create_member(tiny, handle)
    transfer(tiny, payer="a", payee="b", amount="0.0001", entered_by=None)
    db.session.commit()
    run_to_end(starts.start_merge("tiny", into="bright", actor=None).id)
    report = build(run_of(tiny))
    assert report.reconciles
    assert (report.closing.residue, report.destinations[0].items) == (10, -1)
    assert {i.name: (i.balance_before, i.amount_moved, i.residue_out) for i in report.items} == {
        "a": (-1, -1, "9/1"),
        "b": (1, 0, "1/1"),
    }
    assert invariants.run_all() == []
