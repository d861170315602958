"""Payments per second on PostgreSQL, next to pgbench's TPC-B on the same server.

Run on demand (pytest does not collect it), results go in BENCHMARKS.md::

    .venv/bin/python tests/benchmarks/bench_payments.py [--accounts 10000] [--seconds 20]
        [--clients 1,4,16] [--http-clients 16] [--schemes 1] [--scale 16] [--trace]

It creates its own databases on ``LETS_BENCH_DATABASE_URL`` (default: the local server) and
drops them after: one migrated to head and provisioned with ``--accounts`` members per
scheme, one for ``pgbench -i``. The operations layer is driven by separate processes,
each with its own app connected as an ordinary role under row-level security, as in
production; HTTP by client processes posting to gunicorn with bearer tokens. After every
run the registered invariant checks (``lets audit``) must pass, or the benchmark fails.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

import payments_clients  # noqa: E402 - sibling modules, found beside this file
import payments_db  # noqa: E402
import payments_programs  # noqa: E402

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
#: Targets from issue 2: share of pgbench's tps at the same client count.
OPS_TARGET, HTTP_TARGET = 0.35, 0.15
#: Clients paying during the untimed warm-up.
WARM_UP_CLIENTS = 4


@dataclass
class Run:
    path: str
    clients: int
    committed: float
    refused: float
    #: CPU milliseconds the client processes spent per attempted payment
    cpu_ms: float
    #: payments committed, warm-up included (for the audit's count)
    total: int
    pgbench: float = 0.0
    pgbench_cpu_ms: float = 0.0
    load: str = ""

    @property
    def summary(self) -> str:
        return f"{self.path} x{self.clients}: {self.committed:.0f}/s, pgbench {self.pgbench:.0f}"

    @property
    def ratio(self) -> float:
        return self.committed / self.pgbench if self.pgbench else 0.0

    @property
    def target(self) -> float | None:
        if self.path == "HTTP":
            return HTTP_TARGET
        return OPS_TARGET if self.clients >= 4 else None


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000, help="member accounts per scheme")
    parser.add_argument("--schemes", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=20, help="length of each run")
    parser.add_argument("--clients", default="1,4,16", help="concurrent payers per run")
    parser.add_argument("--http-clients", type=int, default=16, help="0 skips the HTTP run")
    parser.add_argument("--http-workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--scale", type=int, default=16, help="pgbench -i scale factor")
    parser.add_argument("--trace", action="store_true", help="print one payment's round trips")
    parser.add_argument(
        "--warm-up",
        type=int,
        default=10,
        help=f"untimed seconds of payments ({WARM_UP_CLIENTS} clients) first; 0 skips",
    )
    return parser.parse_args()


def measure(outcomes: list[payments_clients.Outcome], path: str, count: int) -> Run:
    """Committed and refused payments per second over all clients, and their CPU cost."""
    errors = [e for o in outcomes for e in o.errors]
    if errors:
        raise SystemExit(f"{path} with {count} clients failed:\n" + "\n".join(errors[:5]))
    committed = sum(o.committed / o.elapsed for o in outcomes)
    refused = sum(sum(o.refused.values()) / o.elapsed for o in outcomes)
    attempts = sum(o.committed + sum(o.refused.values()) for o in outcomes)
    cpu_ms = 1000 * sum(o.cpu for o in outcomes) / max(attempts, 1)
    return Run(
        path, count, committed, refused, cpu_ms, sum(o.committed + o.warm_up for o in outcomes)
    )


def main() -> None:
    args = options()
    server = os.environ.get("LETS_BENCH_DATABASE_URL", DEFAULT_SERVER)
    console = Console(width=140)
    with (
        payments_db.scratch_database(server, "lets_bench") as database,
        payments_db.scratch_database(server, "lets_bench_pgbench") as pgbench_db,
    ):
        owner = payments_db.bench_app(payments_db.owner_url(server, database))
        payments_db.migrate_and_grant(owner)
        console.print(f"provisioning {args.schemes} x {args.accounts} accounts, -s {args.scale}")
        schemes = payments_db.provision(owner, args.schemes, args.accounts)
        payments_programs.pgbench_init(server, pgbench_db, args.scale)
        bench = Bench(args, server, pgbench_db, owner, payments_db.app_role_url(server, database))
        if args.trace:
            bench.committed += payments_clients.trace_round_trips(bench.app_url, schemes[0])
        if args.warm_up:
            # A newly provisioned ledger's first seconds run at about two thirds of the
            # steady rate (its transfers table and indexes are empty, every account row is
            # updated for the first time); a ledger in use is not new, so neither is this one
            # when the clock starts. Audited and counted, not reported.
            bench.warm_up(payments_clients.ops_client, bench.app_url, schemes)
        for count in [int(c) for c in args.clients.split(",") if c.strip()]:
            bench.run("operations", count, payments_clients.ops_client, bench.app_url, schemes)
            console.print(bench.runs[-1].summary)
        if args.http_clients:
            with payments_programs.gunicorn(bench.app_url, args.http_workers) as base_url:
                client = payments_clients.http_client
                bench.run("HTTP", args.http_clients, client, base_url, schemes)
        payments_db.dispose(owner)
    console.print(report(bench.runs, args))


@dataclass
class Bench:
    """The runs so far, and what each new run needs: the databases and the app's URL."""

    args: argparse.Namespace
    server: str
    pgbench_db: str
    owner: Flask
    app_url: str
    runs: list[Run] = field(default_factory=list)
    #: payments committed so far, which the audit expects to find
    committed: int = 0

    def warm_up(self, client: Callable[..., None], *args: Any) -> None:
        """Pay untimed for ``--warm-up`` seconds with ``WARM_UP_CLIENTS`` clients."""
        self._paid("warm-up", WARM_UP_CLIENTS, self.args.warm_up, client, *args)

    def run(self, path: str, count: int, client: Callable[..., None], *args: Any) -> None:
        """``count`` clients for ``--seconds``; audit the books; then pgbench at ``count``,
        right after the run it is compared with: this machine's speed drifts by a third
        within the hour, so a pgbench figure from minutes before would compare the drift."""
        payments_db.checkpoint(self.server)
        load = payments_programs.load_average()
        run = self._paid(path, count, self.args.seconds, client, *args)
        payments_db.checkpoint(self.server)
        run.pgbench, run.pgbench_cpu_ms = payments_programs.pgbench_tps(
            self.server, self.pgbench_db, count, self.args.seconds
        )
        run.load = load
        self.runs.append(run)

    def _paid(
        self, path: str, count: int, seconds: int, client: Callable[..., None], *args: Any
    ) -> Run:
        """``count`` clients paying for ``seconds``; what they committed is counted and the
        books are audited (the benchmark fails if they do not balance)."""
        outcomes = payments_clients.run_clients(client, count, seconds + 300, *args, seconds)
        run = measure(outcomes, path, count)
        self.committed += run.total
        payments_db.audit(self.owner, self.committed)
        return run


def report(runs: list[Run], args: argparse.Namespace) -> Table:
    table = Table(
        title=f"payments/s over {args.schemes} x {args.accounts} accounts, {args.seconds} s runs",
        caption="audit passed after every run; load average at the end "
        + payments_programs.load_average(),
    )
    for column in (
        "path",
        "clients",
        "payments/s",
        "refused/s",
        "client CPU ms",
        "pgbench tps",
        "pgbench CPU ms",
        "ratio",
        "target",
        "load (1 5 15)",
    ):
        table.add_column(column, justify="left" if column == "path" else "right")
    for run in runs:
        target = "" if run.target is None else f">= {run.target:.0%}"
        met = "" if run.target is None else (" ok" if run.ratio >= run.target else " BELOW")
        table.add_row(
            run.path,
            str(run.clients),
            f"{run.committed:.0f}",
            f"{run.refused:.0f}",
            f"{run.cpu_ms:.2f}",
            f"{run.pgbench:.0f}",
            f"{run.pgbench_cpu_ms:.3f}",
            f"{run.ratio:.0%}{met}",
            target,
            run.load,
        )
    return table


if __name__ == "__main__":
    main()
