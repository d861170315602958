"""The closure report: every balance that left, where it went and what arrived there,
with totals per currency that reconcile to the unit against the ledger itself.

For the closing scheme, the balances before sum to what its federation account took in
(the legs posted there); for each destination, what its members and accounts were
credited (less debited) equals what its federation account paid out, read from the
posted legs, not from the items. Residues (the exact rounding fractions) are shown per
scheme. The items are kept with the closed scheme; CSV and PDF render the same report.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import select

from lets_federation.migration.models import MigrationItem, MigrationRun
from lets_federation.migration.moves import trade_id_for
from lets_federation.trades.settlement import hold_id, payee_leg_id
from lets_federation.units import format_fed, parse_fraction
from lets_platform.db import db
from lets_platform.money import format_amount
from lets_platform.tenancy.models import Scheme
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.operations import FEDERATION_ACCOUNT
from lets_tenants.ledger.models import Transfer


@dataclass
class Total:
    """One scheme's side of the migration, in minor units of its currency."""

    scheme: Scheme
    #: Closing side: sum of the balances before; destination: sum credited less debited.
    items: int = 0
    #: Closing side: what its federation account took in; destination: what it paid out.
    ledger: int = 0
    fed_amount: int = 0
    residue: Fraction = field(default_factory=Fraction)
    count: int = 0

    @property
    def reconciles(self) -> bool:
        return self.items == self.ledger


@dataclass
class Report:
    run: MigrationRun
    source: Scheme
    items: list[MigrationItem]
    schemes: dict[int, Scheme]
    closing: Total
    destinations: list[Total]

    @property
    def reconciles(self) -> bool:
        fed_in = sum(t.fed_amount for t in self.destinations)
        done = all(i.state == "done" for i in self.items)
        return (
            done
            and self.closing.reconciles
            and fed_in == self.closing.fed_amount
            and all(t.reconciles for t in self.destinations)
        )


def build(run: MigrationRun) -> Report:
    """The report of a run (complete once the run is finished)."""
    items = list(
        db.session.scalars(
            select(MigrationItem).where(MigrationItem.run_id == run.id).order_by(MigrationItem.id)
        )
    )
    ids = {run.scheme_id} | {i.dest_scheme_id for i in items}
    schemes = {s.id: s for s in db.session.scalars(select(Scheme).where(Scheme.id.in_(ids)))}
    totals = {sid: Total(schemes[sid]) for sid in ids}
    closing = totals[run.scheme_id]
    for item in items:
        if item.state != "done":
            continue
        closing.items += item.balance_before
        closing.fed_amount += item.fed_amount or 0
        closing.residue += parse_fraction(item.residue_out or "0/1")
        closing.count += 1
        there = totals[item.dest_scheme_id]
        there.items += item.amount_moved or 0
        there.fed_amount += item.fed_amount or 0
        there.residue += parse_fraction(item.residue_in or "0/1")
        there.count += 1
    for sid, change in _federation_changes(run, items).items():
        totals[sid].ledger += change if sid == run.scheme_id else -change
    destinations = [t for sid, t in sorted(totals.items()) if sid != run.scheme_id]
    return Report(run, schemes[run.scheme_id], items, schemes, closing, destinations)


def _federation_changes(run: MigrationRun, items: list[MigrationItem]) -> dict[int, int]:
    """How much each scheme's federation account moved by this run's legs (the ledger)."""
    legs: list[uuid.UUID] = []
    for item in items:
        if item.state == "done" and item.balance_before:
            tid = trade_id_for(run.id, item.account_id)
            legs += [hold_id(tid), payee_leg_id(tid)]
    federation = dict(
        db.session.execute(
            select(Account.id, Account.scheme_id).where(Account.name == FEDERATION_ACCOUNT)
        ).all()
    )
    changes: dict[int, int] = defaultdict(int)
    for start in range(0, len(legs), 1000):
        rows = db.session.execute(
            select(Transfer.payer_id, Transfer.payee_id, Transfer.amount).where(
                Transfer.id.in_(legs[start : start + 1000]), Transfer.state == "posted"
            )
        )
        for payer_id, payee_id, amount in rows:
            if payee_id in federation:
                changes[federation[payee_id]] += amount
            if payer_id in federation:
                changes[federation[payer_id]] -= amount
    return changes


def _money(minor: int, scheme: Scheme) -> str:
    return format_amount(minor, scheme.currency_decimals)


def _residue(value: Fraction, scheme: Scheme) -> str:
    return f"{value.numerator}/{value.denominator} minor units" if value else "0"


def lines(report: Report) -> list[list[str]]:
    """One row per account: name, kind, balance before, destination, amount there."""
    rows = []
    for item in report.items:
        dest = report.schemes[item.dest_scheme_id]
        rows.append(
            [
                item.name,
                item.kind,
                _money(item.balance_before, report.source),
                report.source.currency_code,
                f"{dest.slug}/{item.dest_name}",
                "" if item.amount_moved is None else _money(item.amount_moved, dest),
                dest.currency_code,
                "" if item.fed_amount is None else format_fed(item.fed_amount),
                item.state,
            ]
        )
    return rows


LINE_HEADER = [
    "account",
    "kind",
    "balance_before",
    "currency",
    "destination",
    "amount_there",
    "destination_currency",
    "federation_units",
    "state",
]
TOTAL_HEADER = [
    "scheme",
    "side",
    "currency",
    "accounts",
    "items_total",
    "ledger_total",
    "federation_units",
    "residue",
    "reconciles",
]


def totals(report: Report) -> list[list[str]]:
    rows = []
    for side, total in [("closing", report.closing)] + [
        ("destination", t) for t in report.destinations
    ]:
        rows.append(
            [
                total.scheme.slug,
                side,
                total.scheme.currency_code,
                str(total.count),
                _money(total.items, total.scheme),
                _money(total.ledger, total.scheme),
                format_fed(total.fed_amount),
                _residue(total.residue, total.scheme),
                "yes" if total.reconciles else "NO",
            ]
        )
    return rows


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LINE_HEADER)
    writer.writerows(lines(report))
    writer.writerow([])
    writer.writerow(TOTAL_HEADER)
    writer.writerows(totals(report))
    return out.getvalue()
