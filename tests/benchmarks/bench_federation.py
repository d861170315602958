"""Federation benchmarks: inter-scheme trades cleared per second next to intra-scheme
payments per second, and a clearing run next to a bare SQL ``GROUP BY``, in one run.

Run against a local PostgreSQL and Redis (a database is created for the run and dropped):

    .venv/bin/python tests/benchmarks/bench_federation.py [--trades 2000] [--sizes 100000,1000000]

``LETS_BENCH_DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``) and
``LETS_BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``) name the servers.
Results and the machine they were measured on go in BENCHMARKS.md (Federation).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from federation_hub import (
    THREADS,
    Federation,
    hub,
    jobs_for,
    run_clients,
    seed,
    wait_until,
    workers,
)
from flask import Flask
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from lets_platform import invariants
from lets_platform.db import db
from lets_platform.tenancy import scope

console = Console()


# --- (a) throughput --------------------------------------------------------------------------


def measure_intra(
    env: dict[str, str], slugs: list[str], count: int, clients: int, seed_: int = 7
) -> float:
    started = run_clients("intra", env, jobs_for("intra", slugs, count, seed_), clients)
    return count / (time.perf_counter() - started)


def measure_inter(
    app: Flask,
    env: dict[str, str],
    slugs: list[str],
    count: int,
    clients: int,
    procs: int,
    threads: int = THREADS,
) -> dict[str, Any]:
    """Trades cleared per second, from the first trade's enqueue until none is pending, with
    the workers running; then, to see where the time goes, the same number of trades only
    created (workers stopped) and that backlog only cleared (from its first clearing)."""
    result: dict[str, Any] = {}
    with app.app_context():
        scope.allow_all()
        Federation.make_trade(slugs[0], "m0", slugs[1], "m1")  # warms the workers
        db.session.commit()
        done = 1
        with workers(env, procs, threads=threads):
            wait_until(lambda: Federation.settled() == done, 120, "the warm-up trade")
            started = run_clients("inter", env, jobs_for("inter", slugs, count), clients)
            done += count
            wait_until(lambda: Federation.settled() == done, 900, "the trades to clear")
            result["inter"] = count / (time.perf_counter() - started)
        started = run_clients("inter", env, jobs_for("inter", slugs, count, seed_=8), clients)
        result["created"] = count / (time.perf_counter() - started)
        with workers(env, procs, threads=threads):
            wait_until(lambda: Federation.settled() > done, 120, "the backlog to start")
            first, first_at = Federation.settled(), time.perf_counter()
            done += count
            wait_until(lambda: Federation.settled() == done, 900, "the backlog to clear")
            result["cleared"] = (done - first) / (time.perf_counter() - first_at)
        result["states"] = Federation.states()
    return result


def measure_throughput(
    app: Flask, env: dict[str, str], slugs: list[str], args: argparse.Namespace
) -> tuple[list[float], dict[str, Any]]:
    """Intra-scheme payments / s before and after the inter-scheme measurement (the machine
    is shared: both are kept), then the books are audited."""
    n, clients = args.trades, args.clients
    before = measure_intra(env, slugs, n, clients)
    inter = measure_inter(app, env, slugs, n, clients, args.workers, args.threads)
    after = measure_intra(env, slugs, n, clients, seed_=9)
    with app.app_context():
        scope.allow_all()
        findings = invariants.run_all()
    console.print(f"audit after (a): {len(findings)} finding(s) {findings[:3]}")
    if findings:
        raise SystemExit("the books do not balance after the throughput run")
    return [before, after], inter


# --- (b) clearing run against GROUP BY --------------------------------------------------------


def timed_pair(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int
) -> tuple[float, float]:
    """Median wall times of ``first`` and ``second``, run alternately ``repeat`` times each
    after one warm-up run (alternating keeps a shared machine's load swings fair to both)."""
    times: tuple[list[float], list[float]] = ([], [])
    first(), second()
    for _ in range(repeat):
        for fn, kept in zip((first, second), times, strict=True):
            started = time.perf_counter()
            fn()
            kept.append(time.perf_counter() - started)
    return statistics.median(times[0]), statistics.median(times[1])


def measure_clearing(app: Flask, env: dict[str, str], sizes: list[int]) -> list[dict[str, Any]]:
    """For each size, top the recorded cleared trades up to it, then time a bare GROUP BY
    of them by pair of schemes and a full clearing run (rolled back) alternately."""
    owner = create_engine(env["LETS_OWNER_URL"], poolclass=NullPool)
    rows = []
    with app.app_context():
        scope.allow_all()
        for size in sizes:
            with owner.begin() as connection:
                Federation.bulk_insert_cleared(connection, size)
            with owner.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.exec_driver_sql("VACUUM ANALYZE federation_trades")

            def group_by() -> None:
                db.session.execute(Federation.GROUP_BY).all()
                db.session.rollback()

            bare, run = timed_pair(group_by, Federation.clearing_run, repeat=7)
            rows.append({"trades": size, "group_by": bare, "run": run})
    owner.dispose()
    return rows


# --- report ----------------------------------------------------------------------------------


def report(intras: list[float], inter: dict[str, Any], clearing: list[dict[str, Any]]) -> None:
    table = Table(title="Federation benchmarks (PostgreSQL + Redis)")
    for column in ("measure", "value", "target"):
        table.add_column(column)
    if intras:
        rate, intra = inter["inter"], statistics.mean(intras)
        spread = " / ".join(f"{x:,.0f}" for x in intras)
        table.add_row("intra-scheme payments / s (before / after)", spread, "")
        table.add_row("inter-scheme trades cleared / s", f"{rate:,.0f}", "")
        table.add_row("inter / mean intra", f"{rate / intra:.0%}", ">= 40%")
        table.add_row("  trades only created / s (no workers)", f"{inter['created']:,.0f}", "")
        table.add_row("  backlog only cleared / s (workers)", f"{inter['cleared']:,.0f}", "")
        table.add_row("trade states after the run", str(inter["states"]), "all cleared")
    for row in clearing:
        ratio = row["run"] / row["group_by"]
        table.add_row(f"GROUP BY over {row['trades']:,} trades", f"{row['group_by']:.3f} s", "")
        table.add_row(f"clearing run over {row['trades']:,}", f"{row['run']:.3f} s", "")
        table.add_row("  run / GROUP BY", f"{ratio:.2f}x", "<= 3x")
        fixed = row["run"] - row["group_by"]
        table.add_row("  run - GROUP BY (netting, storing)", f"{fixed:+.3f} s", "")
    if len(clearing) == 2:
        small, large = clearing
        growth = large["run"] / small["run"]
        scale = large["trades"] / small["trades"]
        table.add_row(f"run time growth for {scale:.0f}x trades", f"{growth:.1f}x", "~ linear")
    console.print(table)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    console.print(f"load average (1, 5, 15 min) at the end: {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trades", type=int, default=2000, help="trades and payments each")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=THREADS, help="per worker process")
    parser.add_argument("--schemes", type=int, default=8, help="schemes trading in (a)")
    parser.add_argument("--sizes", default="100000,1000000", help="clearing run sizes")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    intra: list[float] = []
    inter: dict[str, Any] = {}
    with hub() as (app, env):
        slugs = seed(app, max(args.schemes, 50 if sizes else 0))
        if not args.skip_throughput:
            intra, inter = measure_throughput(app, env, slugs[: args.schemes], args)
        clearing = measure_clearing(app, env, sizes) if sizes else []
    report(intra, inter, clearing)


if __name__ == "__main__":
    main()
