"""What the national body's pages (and the organisers' wind-up pages) show and do, as
plain values shaped like the API's answers; each function calls the operation the API
calls. Federation pages see every scheme's rows, as the federation API does."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from lets_federation.clearing import operations as clearing_ops
from lets_federation.clearing.schemas import run_out, summary_out
from lets_federation.clearing.tasks import near_limit_percent
from lets_federation.migration import operations as migration_ops
from lets_federation.migration import starts
from lets_federation.migration.report import build, to_csv
from lets_federation.migration.schemas import progress_out, report_out
from lets_federation.pools import operations as pool_ops
from lets_federation.pools.provision import provision_from_pool
from lets_federation.positions import operations as position_ops
from lets_federation.rates import operations as rate_ops
from lets_federation.schemas import pair_out, position_out, rate_change_out, rate_out
from lets_federation.units import parse_fed
from lets_federation.windup import choices as choice_ops
from lets_federation.windup import operations as windup_ops
from lets_federation.windup.report import repayment
from lets_federation.windup.schemas import choice_out, repayment_out
from lets_platform import permissions
from lets_platform.charts import bar_chart
from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.identity.models import Person
from lets_platform.tenancy import operations as tenancy_ops
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_platform.tenancy.schemas import SchemeOut
from lets_tenants.accounts.models import Account
from lets_tenants.accounts.schemas import account_out
from lets_tenants.context import check_writable


def national_body(person: Person) -> None:
    """Only the national administrator uses the hub's pages; they see every scheme."""
    permissions.require(person, "scheme.provision")
    scope.allow_all()


def _slugs() -> dict[int, str]:
    return {sid: slug for sid, slug in db.session.execute(select(Scheme.id, Scheme.slug))}


# Schemes, networks, regional organisers


def schemes() -> list[dict[str, Any]]:
    return [SchemeOut().dump(s) for s in tenancy_ops.list_schemes()]


def scheme(slug: str) -> dict[str, Any]:
    return dict(SchemeOut().dump(tenancy_ops.get_scheme(slug)))


def provision(person: Person, data: dict[str, Any]) -> Scheme:
    return tenancy_ops.provision_scheme(
        slug=data["slug"],
        name=data["name"],
        currency_code=data["currency_code"],
        currency_name=data["currency_name"],
        decimals=data["decimals"],
        network=data.get("network") or None,
        rate=data["rate"],
        default_min_balance=data["default_min_balance"],
        default_max_balance=data.get("default_max_balance"),
        actor=person,
    )


def networks() -> list[dict[str, Any]]:
    """Each network with its schemes and regional organisers."""
    organisers: dict[int, list[str]] = {}
    for network, person in tenancy_ops.regional_organisers():
        organisers.setdefault(network.id, []).append(person.email or person.display_name)
    by_network: dict[int | None, list[str]] = {}
    for s in tenancy_ops.list_schemes():
        by_network.setdefault(s.network_id, []).append(s.slug)
    return [
        {
            "slug": n.slug,
            "name": n.name,
            "schemes": by_network.get(n.id, []),
            "organisers": organisers.get(n.id, []),
        }
        for n in tenancy_ops.list_networks()
    ]


def network_choices() -> list[tuple[str, str]]:
    return [(n.slug, n.name) for n in tenancy_ops.list_networks()]


def create_network(data: dict[str, Any]) -> None:
    tenancy_ops.create_network(data["slug"], data["name"])


def appoint(person: Person, network: str, email: str) -> None:
    tenancy_ops.appoint_regional_organiser(network, email, actor=person)


# Rates and limits


def rates() -> list[dict[str, Any]]:
    return [rate_out(s) for s in rate_ops.current_rates()]


def rate_history(slug: str) -> list[dict[str, Any]]:
    emails = {
        p.id: p.email for p in db.session.scalars(select(Person).where(Person.is_admin.is_(True)))
    }
    changes = rate_ops.rate_history(slug)
    return [rate_change_out(c, emails.get(c.set_by_id) if c.set_by_id else None) for c in changes]


def set_rate(person: Person, slug: str, rate: str) -> None:
    rate_ops.set_rate(slug, rate.strip(), actor=person)


def positions() -> list[dict[str, Any]]:
    return [position_out(s, p) for s, p in position_ops.list_positions()]


def pairs() -> list[dict[str, Any]]:
    slugs = _slugs()
    return [pair_out(p, slugs) for p in position_ops.list_pairs()]


def _bad_field(error: LetsError, data: dict[str, Any], names: tuple[str, ...]) -> LetsError:
    """Name the field of an unparsable figure (the operation's error names none)."""
    for name in names:
        try:
            if data.get(name) is not None:
                parse_fed(data[name], name)
        except LetsError as found:
            found.extra.setdefault("errors", {name: [found.detail]})
            return found
    return error


def set_limits(person: Person, slug: str, data: dict[str, Any]) -> None:
    try:
        position_ops.set_limits(
            slug, max_deficit=data["max_deficit"], max_surplus=data["max_surplus"], actor=person
        )
    except LetsError as error:
        raise _bad_field(error, data, ("max_deficit", "max_surplus")) from None


def set_pair_limit(person: Person, data: dict[str, Any]) -> None:
    try:
        position_ops.set_pair_limit(
            data["first"], data["second"], max_net_flow=data["max_net_flow"], actor=person
        )
    except LetsError as error:
        raise _bad_field(error, data, ("max_net_flow",)) from None


def positions_chart() -> dict[str, Any]:
    """Each scheme's position in federation units, as a chart and a table."""
    found = positions()
    chart = bar_chart(
        "positions",
        "Positions in federation units",
        "What the federation owes each scheme; a bar to the left is a deficit.",
        [(p["scheme"], Decimal(p["position"]), _short(p["position"])) for p in found],
    )
    rows = [
        [p["scheme"], _short(p["position"]), _short(p["max_deficit"]), _short(p["max_surplus"])]
        for p in found
    ]
    return {
        "chart": chart,
        "head": ["Scheme", "Position", "Largest deficit", "Largest surplus"],
        "rows": rows,
    }


def _short(value: str | None) -> str:
    """Federation units to two decimals for people ("12.500000" as "12.50"); none as —."""
    if value is None:
        return "no limit"
    return f"{Decimal(value):.2f}"


# Clearing


def clearing_runs(limit: int = 20) -> list[dict[str, Any]]:
    slugs = _slugs()
    return [summary_out(r, slugs, lambda _sid: True) for r in clearing_ops.list_runs(limit)]


def clearing_run(run_id: str) -> dict[str, Any]:
    return run_out(clearing_ops.get_run(run_id), _slugs(), lambda _sid: True)


def run_clearing(person: Person) -> dict[str, Any]:
    permissions.require(person, "federation.clearing.run")
    run = clearing_ops.run_clearing(None, actor=person, near_limit_percent=near_limit_percent())
    return run_out(run, _slugs(), lambda _sid: True)


def flows_chart(run: dict[str, Any]) -> dict[str, Any]:
    """A run's bilateral flows, each direction its own bar, largest first."""
    flows = []
    for pair in run["pairs"]:
        for payer, payee, amount in (
            (pair["a"], pair["b"], pair["a_to_b"]),
            (pair["b"], pair["a"], pair["b_to_a"]),
        ):
            if Decimal(amount) > 0:
                flows.append((f"{payer} → {payee}", Decimal(amount), _short(amount)))
    flows.sort(key=lambda f: -f[1])
    chart = bar_chart(
        "flows",
        "Flows between schemes in federation units",
        "What each scheme's members paid another scheme's members, counted by this run.",
        flows,
    )
    rows = [
        [
            f"{p['a']} and {p['b']}",
            _short(p["a_to_b"]),
            _short(p["b_to_a"]),
            _short(p["net"]),
            str(p["trades"]),
        ]
        for p in run["pairs"]
    ]
    return {
        "chart": chart,
        "head": ["Pair (a and b)", "a paid b", "b paid a", "Net to a", "Trades"],
        "rows": rows,
    }


# Pools


def pools() -> list[dict[str, Any]]:
    return [SchemeOut().dump(p) for p in pool_ops.list_pools()]


def ensure_pool(person: Person, network: str) -> Scheme:
    permissions.require(person, "pools.manage")
    return pool_ops.ensure_pool_by_slug(network, person)


def pool_accounts(pool: str) -> list[dict[str, Any]]:
    """The pool's member accounts still open, for choosing who moves to a new scheme."""
    found = tenancy_ops.get_scheme(pool)
    scope.allow_all()
    accounts = db.session.scalars(
        select(Account)
        .where(Account.scheme_id == found.id, Account.kind == "member", Account.status != "closed")
        .order_by(Account.name)
    )
    return [account_out(found, a) for a in accounts]


def provision_from(
    person: Person, pool: str, data: dict[str, Any]
) -> tuple[Scheme, dict[str, Any]]:
    permissions.require(person, "pools.manage")
    fields = {
        "slug": data["slug"],
        "name": data["name"],
        "currency_code": data["currency_code"],
        "currency_name": data["currency_name"],
        "decimals": data["decimals"],
        "rate": data["rate"],
        "default_min_balance": data["default_min_balance"],
        "default_max_balance": data.get("default_max_balance"),
    }
    new, run = provision_from_pool(pool, scheme=fields, handles=data["handles"], actor=person)
    return new, progress_out(run, pool)


# Wind-up, migration and merges


def wind_up(slug: str) -> dict[str, Any] | None:
    """The repayment report and every member's destination; None if not winding up."""
    found = tenancy_ops.get_scheme(slug)
    try:
        record = windup_ops.get_wind_up(found)
    except windup_ops.WindUpNotFound:
        return None
    rows = choice_ops.destinations(record)
    return {
        **repayment_out(repayment(record), rows),
        "choices": [choice_out(r, found.currency_decimals) for r in rows],
    }


#: The repayment trend's chart shows this many days at most (the newest).
TREND_DAYS = 30


def trend_chart(wind_up: dict[str, Any]) -> dict[str, Any]:
    """What was still to repay at the end of each day since the decision (the newest
    ``TREND_DAYS``), as a chart and a table."""
    points = wind_up["trend"][-TREND_DAYS:]
    rows = [(p["date"].strftime("%-d %b"), Decimal(p["to_repay"]), p["to_repay"]) for p in points]
    chart = bar_chart(
        "trend",
        f"Still to repay at the end of each day ({wind_up['currency']})",
        "The debtors' total debit at the end of each day since the wind-up decision.",
        rows,
    )
    return {"chart": chart, "head": ["Day", "Still to repay"], "rows": [[r[0], r[2]] for r in rows]}


def decide(person: Person, slug: str, data: dict[str, Any]) -> None:
    found = tenancy_ops.get_scheme(slug)
    check_writable(found)
    permissions.require(person, "windup.decide", found.id)
    windup_ops.decide(
        found,
        votes_for=data["votes_for"],
        votes_against=data["votes_against"],
        votes_abstaining=data.get("votes_abstaining") or 0,
        meeting_date=data.get("meeting_date"),
        deadline=data["deadline"],
        significant_debit=data.get("significant_debit"),
        actor=person,
    )


def choose(person: Person, slug: str, data: dict[str, Any]) -> None:
    """An organiser enters a member's choice given on paper."""
    found = tenancy_ops.get_scheme(slug)
    check_writable(found)
    choice_ops.choose(
        found,
        actor=person,
        destination=data["destination"],
        member=data["member"],
        handle=data.get("handle"),
    )


def destination_choices(slug: str) -> list[tuple[str, str]]:
    """Where a member of ``slug`` may send their balance: the pool, or an active scheme."""
    others = [
        (s.slug, f"{s.name} ({s.slug})")
        for s in tenancy_ops.list_schemes()
        if s.slug != slug and s.status == "active" and s.kind == "scheme"
    ]
    return [("pool", "The regional pool"), *others]


def start_migration(person: Person, slug: str, data: dict[str, Any]) -> dict[str, Any]:
    run = starts.start_wind_up(
        slug, actor=person, force=bool(data.get("force")), reason=data.get("reason")
    )
    return progress_out(run, slug)


def merge(person: Person, slug: str, into: str) -> dict[str, Any]:
    return progress_out(starts.start_merge(slug, into=into, actor=person), slug)


def merge_choices(slug: str) -> list[tuple[str, str]]:
    return [
        (s.slug, f"{s.name} ({s.slug})")
        for s in tenancy_ops.list_schemes()
        if s.slug != slug and s.status == "active" and s.kind == "scheme"
    ]


def progress(person: Person, slug: str) -> dict[str, Any] | None:
    """The scheme's latest balance migration (wind-up, merge or from a pool), or None."""
    try:
        return progress_out(migration_ops.progress(slug, person), slug)
    except migration_ops.NoMigration:
        return None


def report(person: Person, slug: str) -> dict[str, Any]:
    return report_out(build(migration_ops.progress(slug, person)))


def report_csv(person: Person, slug: str) -> str:
    return to_csv(build(migration_ops.progress(slug, person)))
