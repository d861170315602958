"""Directory search benchmark: search through the API next to the same query run directly
in SQL, in one run, on PostgreSQL; and the full-text index next to a LIKE scan.

    .venv/bin/python tests/benchmarks/bench_search.py [--listings 100000] [--schemes 50]

Creates a database for the run (``LETS_BENCH_DATABASE_URL``, default
``postgresql://postgres@127.0.0.1:5432/postgres``) and drops it after. Seeds schemes with
20 members each and ``--listings`` listings of random words (a quarter federation-visible),
then measures, for a set of one- and two-word queries asked by a member of one scheme:
median and 95th percentile latency of ``GET /api/v1/directory/search`` (a live server on
loopback, werkzeug's threaded server) and of the same SQL statement on a psycopg
connection; searches per second with 4 concurrent clients, both ways; the ratio of a
LIKE scan to the full-text query; and whether the plan uses the GIN index.
Results go in BENCHMARKS.md (Directory search).
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import statistics
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta

import psycopg
import requests
from sqlalchemy import select

from lets_platform import testing
from lets_platform.db import db
from lets_platform.identity.operations import issue_token
from lets_platform.tenancy import scope
from lets_platform.tenancy.operations import provision_scheme
from lets_platform.web.testing import live_server
from lets_tenants.directory.categories import ensure_categories
from lets_tenants.directory.models import Category
from lets_tenants.directory.search import TSVECTOR
from lets_tenants.membership.models import Membership
from lets_tenants.membership.operations import add_member

WORDS = [
    "garden",
    "bread",
    "bike",
    "repair",
    "lessons",
    "guitar",
    "french",
    "spanish",
    "yoga",
    "massage",
    "cleaning",
    "ironing",
    "hedge",
    "lawn",
    "mowing",
    "painting",
    "decorating",
    "sewing",
    "knitting",
    "wood",
    "bowls",
    "spoons",
    "cakes",
    "jam",
    "chutney",
    "honey",
    "eggs",
    "vegetables",
    "lifts",
    "station",
    "shopping",
    "computer",
    "phone",
    "website",
    "tax",
    "accounts",
    "typing",
    "letters",
    "ladder",
    "drill",
    "tent",
    "camping",
    "childcare",
    "dogs",
    "cats",
    "walking",
    "photography",
    "music",
    "ukulele",
    "piano",
    "maths",
    "tutoring",
    "cooking",
    "catering",
    "fence",
    "shelves",
    "taps",
    "doors",
    "plumbing",
    "electrics",
    "curtains",
    "alterations",
    "mending",
    "hats",
    "scarves",
    "soap",
    "candles",
    "pottery",
    "baskets",
    "bees",
    "seedlings",
    "compost",
    "logs",
    "firewood",
    "allotment",
    "apples",
    "pears",
    "plums",
]
FILLER = [
    "a",
    "the",
    "and",
    "for",
    "with",
    "of",
    "in",
    "on",
    "to",
    "my",
    "your",
    "help",
    "friendly",
    "local",
    "small",
    "weekly",
]
QUERIES = ["garden", "bike repair", "gui", "french lessons", "honey", "comp", "tax", "bees"]


def seed(url: str, listings: int, schemes: int) -> tuple[str, list[int]]:
    """Schemes, members and listings; returns a member's token and their scheme ids."""
    app = testing.make_app(url, as_owner=True)
    with app.app_context():
        scope.allow_all()
        token = ""
        for s in range(schemes):
            scheme = provision_scheme(
                slug=f"s{s:02d}",
                name=f"Scheme {s}",
                currency_code=f"S{s:02d}",
                currency_name="units",
            )
            for m in range(20):
                member = add_member(
                    scheme,
                    email=f"m{m}@s{s}.bench",
                    display_name=f"M {m}",
                    handle=f"m{m}",
                    actor=None,
                )
                if s == 0 and m == 0:
                    token = issue_token(member.person)
            ensure_categories(scheme)
        db.session.commit()
        members = db.session.execute(select(Membership.scheme_id, Membership.id)).all()
        categories = db.session.execute(select(Category.scheme_id, Category.id)).all()
        testing.dispose(app)
    by_scheme: dict[int, list[int]] = {}
    for scheme_id, member_id in members:
        by_scheme.setdefault(scheme_id, []).append(member_id)
    cats: dict[int, list[int]] = {}
    for scheme_id, category_id in categories:
        cats.setdefault(scheme_id, []).append(category_id)
    _copy(url, listings, by_scheme, cats)
    return token, sorted(by_scheme)


def _copy(url: str, count: int, members: dict[int, list[int]], cats: dict[int, list[int]]) -> None:
    rng = random.Random(16)
    ids = sorted(members)
    expires = date.today() + timedelta(days=180)
    buffer = io.StringIO()
    for n in range(count):
        scheme_id = ids[n % len(ids)]
        words = rng.sample(WORDS, 4)
        title = " ".join(words[:3]).capitalize()
        description = " ".join(rng.choice(WORDS + FILLER * 3) for _ in range(25))
        visibility = "federation" if rng.random() < 0.25 else "scheme"
        buffer.write(
            "\t".join(
                [
                    str(scheme_id),
                    str(rng.choice(members[scheme_id])),
                    rng.choice(["offer", "want"]),
                    title,
                    description,
                    str(rng.choice(cats[scheme_id])),
                    "f",
                    "",
                    words[3],
                    visibility,
                    "active",
                    expires.isoformat(),
                    "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z",
                ]
            )
            + "\n"
        )
    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        connection.execute("SELECT set_config('lets.schemes', '*', false)")
        columns = (
            "scheme_id, membership_id, kind, title, description, category_id, per_hour, area, "
            "tags, visibility, status, expires_on, created_at, updated_at"
        )
        with connection.cursor().copy(f"COPY listings ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        connection.execute("ANALYZE listings")


#: The API's statement for a member of one scheme, written out (prefix query, ranking,
#: the viewer's visibility rule, one page).
SQL_FTS = f"""
SELECT l.id, l.title, s.slug, ts_rank_cd({TSVECTOR}, q) AS rank
FROM listings JOIN schemes s ON s.id = listings.scheme_id
  CROSS JOIN to_tsquery('simple'::regconfig, %(q)s) q
  , LATERAL (SELECT listings.id, listings.title) l
WHERE {TSVECTOR} @@ q
  AND ((listings.status = 'active' AND (listings.visibility = 'federation'
        OR (listings.visibility = 'scheme' AND listings.scheme_id = ANY(%(mine)s))))
       OR listings.membership_id = ANY(%(members)s))
ORDER BY rank DESC, listings.id DESC LIMIT 21
"""
SQL_LIKE = """
SELECT listings.id FROM listings
WHERE lower(listings.title || ' ' || listings.tags || ' ' || listings.description) LIKE %(like)s
  AND ((listings.status = 'active' AND (listings.visibility = 'federation'
        OR (listings.visibility = 'scheme' AND listings.scheme_id = ANY(%(mine)s))))
       OR listings.membership_id = ANY(%(members)s))
ORDER BY listings.updated_at DESC, listings.id DESC LIMIT 21
"""


def _tsquery(q: str) -> str:
    return " & ".join(f"{w}:*" for w in q.split())


def timed(fn: Callable[[str], object], rounds: int) -> list[float]:
    out = []
    for n in range(rounds):
        q = QUERIES[n % len(QUERIES)]
        start = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


def concurrent(
    make: Callable[[], Callable[[str], object]], seconds: float, clients: int = 4
) -> float:
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def run(k: int) -> None:
        fn = make()
        n = 0
        while time.perf_counter() < stop:
            fn(QUERIES[n % len(QUERIES)])
            n += 1
        done[k] = n

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--schemes", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = os.environ.get(
        "LETS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    with testing.postgres_database(testing.normalise_database_url(server)) as url:
        started = time.perf_counter()
        token, _ = seed(url, args.listings, args.schemes)
        took = time.perf_counter() - started
        print(f"seeded {args.listings} listings in {args.schemes} schemes in {took:.0f} s")
        app = testing.make_app(url)
        raw = url.replace("+psycopg", "")
        with psycopg.connect(raw) as c:
            c.execute("SELECT set_config('lets.schemes', '*', false)")
            mine = [c.execute("SELECT id FROM schemes WHERE slug = 's00'").fetchone()[0]]
            members = [
                c.execute(
                    "SELECT id FROM memberships WHERE scheme_id = %s AND handle = 'm0'", mine
                ).fetchone()[0]
            ]
            plan = "\n".join(
                r[0]
                for r in c.execute(
                    "EXPLAIN " + SQL_FTS,
                    {"q": _tsquery("garden"), "mine": mine, "members": members},
                )
            )

        def sql_client() -> Callable[[str], object]:
            connection = psycopg.connect(raw, autocommit=True)
            connection.execute("SELECT set_config('lets.schemes', '*', false)")

            def ask(q: str) -> object:
                return connection.execute(
                    SQL_FTS, {"q": _tsquery(q), "mine": mine, "members": members}, prepare=True
                ).fetchall()

            return ask

        def like_client() -> Callable[[str], object]:
            connection = psycopg.connect(raw, autocommit=True)
            connection.execute("SELECT set_config('lets.schemes', '*', false)")

            def ask(q: str) -> object:
                like = "%" + q.split()[0] + "%"
                return connection.execute(
                    SQL_LIKE, {"like": like, "mine": mine, "members": members}, prepare=True
                ).fetchall()

            return ask

        with live_server(app) as base:

            def api_client() -> Callable[[str], object]:
                session = requests.Session()
                session.headers["Authorization"] = f"Bearer {token}"

                def ask(q: str) -> object:
                    response = session.get(f"{base}/api/v1/directory/search", params={"q": q})
                    assert response.status_code == 200, response.text
                    return response.json()

                return ask

            api_client()("warm")
            api_ms = timed(api_client(), args.rounds)
            sql_ms = timed(sql_client(), args.rounds)
            like_ms = timed(like_client(), args.rounds // 4)
            api_rate = concurrent(api_client, args.seconds)
            sql_rate = concurrent(sql_client, args.seconds)
        testing.dispose(app)
    api_median, sql_median = statistics.median(api_ms), statistics.median(sql_ms)
    like_median = statistics.median(like_ms)
    for name, median, tail, rate in (
        ("API search", api_median, p95(api_ms), api_rate),
        ("direct SQL", sql_median, p95(sql_ms), sql_rate),
    ):
        print(f"{name:12} median {median:7.2f} ms  p95 {tail:7.2f} ms  4 clients {rate:7.1f}/s")
    print(f"API / SQL at the median: {api_median / sql_median:.2f}x")
    print(f"LIKE scan    median {like_median:7.2f} ms = {like_median / sql_median:.1f}x full text")
    print("plan uses the GIN index:", "ix_listings_search" in plan)
    print(plan)


if __name__ == "__main__":
    main()
