"""Before/after probe of issue 14, item 5: what the serving role can do to history and to
row-level security, in the set-up deploy/ used to show (the serving role ran the migrations,
so it owned everything) and in the one it shows now (deploy/postgres/roles.sql, migrations
as the owner, serving as the app role); and whether the hub starts as each role.

    LETS_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python tests/benchmarks/roles_probe.py
"""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import make_url

S = os.environ["LETS_TEST_DATABASE_URL"]
SERVER = make_url(S)
LETS = str(Path(sys.executable).with_name("lets"))
ROOT = Path(__file__).resolve().parents[2]
ATTEMPTS = [
    "DELETE FROM audit_log",
    "UPDATE audit_log SET action = 'x'",
    "UPDATE transfers SET amount = amount + 1",
    "DELETE FROM transfers",
    "DELETE FROM federation_trades",
    "DELETE FROM federation_rate_changes",
    "TRUNCATE imports CASCADE",
    "ALTER TABLE transfers NO FORCE ROW LEVEL SECURITY",
    "ALTER TABLE accounts DISABLE ROW LEVEL SECURITY",
    "DROP POLICY scheme_isolation ON memberships",
    "ALTER TABLE transfers DISABLE TRIGGER ALL",
    "CREATE TABLE stash (id int)",
    "DROP TABLE audit_log CASCADE",
]


def url(role, db):
    return SERVER.set(username=role, password=None, database=db).render_as_string(False)


def lets(*args, env, timeout=300):
    e = {
        **os.environ,
        "LETS_INSTANCE_PATH": tempfile.mkdtemp(prefix="lets-roles-probe-"),
        "LETS_REDIS_URL": "",
        **env,
    }
    return subprocess.run([LETS, *args], env=e, capture_output=True, text=True, timeout=timeout)


def probe(role, db):
    ok = 0
    for a in ATTEMPTS:
        with psycopg.connect(url(role, db)) as c:
            try:
                c.execute("SELECT set_config('lets.schemes','*',false)")
                c.execute(a)
                ok += 1
            except psycopg.Error as e:
                print(f"  {role}: refused {a!r}: {str(e).splitlines()[0]}")
            c.rollback()
    return ok


sfx = uuid.uuid4().hex[:6]
with psycopg.connect(S, autocommit=True) as c:
    # before: the documented systemd unit migrated as the serving role (it owns everything)
    c.execute(f"CREATE ROLE old_{sfx} LOGIN")
    c.execute(f"CREATE DATABASE old_{sfx} OWNER old_{sfx}")
with psycopg.connect(url("postgres", f"old_{sfx}"), autocommit=True) as c:
    c.execute(f"ALTER SCHEMA public OWNER TO old_{sfx}")
r = lets("db", "upgrade", env={"LETS_DATABASE_URL": url(f"old_{sfx}", f"old_{sfx}")})
assert r.returncode == 0, r.stderr
before = probe(f"old_{sfx}", f"old_{sfx}")
# after: roles.sql, migrate as owner, serve as app
subprocess.run(
    [
        "psql",
        "-X",
        "-q",
        "-h",
        SERVER.host,
        "-p",
        str(SERVER.port or 5432),
        "-U",
        SERVER.username,
        f"-vowner=own_{sfx}",
        f"-vapp=app_{sfx}",
        f"-vdatabase=new_{sfx}",
        "-f",
        str(ROOT / "deploy/postgres/roles.sql"),
    ],
    check=True,
    capture_output=True,
)
r = lets(
    "db",
    "upgrade",
    env={
        "LETS_DATABASE_URL": url(f"own_{sfx}", f"new_{sfx}"),
        "LETS_DATABASE_APP_ROLE": f"app_{sfx}",
    },
)
assert r.returncode == 0, r.stderr
after = probe(f"app_{sfx}", f"new_{sfx}")
print(f"attempts {len(ATTEMPTS)}: serving role succeeded before={before} after={after}")
# refusal: lets worker as the owner / superuser (exits before exec), timing out = started
for who, u in (
    ("old serving role (owner)", url(f"old_{sfx}", f"old_{sfx}")),
    ("superuser", url("postgres", f"new_{sfx}")),
    ("app role", url(f"app_{sfx}", f"new_{sfx}")),
):
    try:
        r = lets("scheduler", env={"LETS_DATABASE_URL": u}, timeout=8)
        print(f"lets scheduler as {who}: exit {r.returncode}: {r.stderr.strip()[:140]}")
    except subprocess.TimeoutExpired:
        print(f"lets scheduler as {who}: started (still running after 8 s)")
with psycopg.connect(S, autocommit=True) as c:
    for d in (f"old_{sfx}", f"new_{sfx}"):
        c.execute(f"DROP DATABASE {d} WITH (FORCE)")
    for r_ in (f"old_{sfx}", f"app_{sfx}", f"own_{sfx}"):
        c.execute(f"DROP ROLE {r_}")
