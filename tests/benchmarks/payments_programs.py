"""The programs the benchmark drives beside the app: pgbench (the yardstick) and gunicorn
(the HTTP server under test), plus a snapshot of the machine's load.
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url

from lets_platform.config import normalise_database_url

#: The production gunicorn settings, from the repository's deploy/ folder.
GUNICORN_CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
_TPS = re.compile(r"^tps = ([0-9.]+) \(without initial connection time\)", re.MULTILINE)
_DONE = re.compile(r"^number of transactions actually processed: (\d+)", re.MULTILINE)


def _pg_environment(server_url: str, database: str) -> dict[str, str]:
    url = make_url(normalise_database_url(server_url))
    env = {**os.environ, "PGDATABASE": database}
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
    ):
        if value is not None:
            env[key] = str(value)
    return env


def pgbench_init(server_url: str, database: str, scale: int) -> None:
    """``pgbench -i -s scale`` into ``database`` (TPC-B-like tables)."""
    subprocess.run(
        ["pgbench", "-i", "-q", "-s", str(scale)],
        env=_pg_environment(server_url, database),
        check=True,
        capture_output=True,
    )


def pgbench_tps(server_url: str, database: str, clients: int, seconds: int) -> tuple[float, float]:
    """Run the built-in TPC-B script with ``clients`` clients and threads; its tps, and the
    CPU milliseconds pgbench itself (the client program) spent per transaction."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        ["pgbench", "-c", str(clients), "-j", str(clients), "-T", str(seconds)],
        env=_pg_environment(server_url, database),
        check=True,
        capture_output=True,
        text=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tps, count = _TPS.search(done.stdout), _DONE.search(done.stdout)
    if tps is None or count is None:
        raise SystemExit(f"pgbench printed no tps:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return float(tps.group(1)), 1000 * cpu / max(int(count.group(1)), 1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(database_url: str, workers: int) -> Iterator[str]:
    """gunicorn as production runs it (``deploy/gunicorn.conf.py``: gthread workers, keep-
    alive, access log) with ``workers`` workers, bound to the bench database; its URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LETS_", "GUNICORN_"))}
    env.update(
        LETS_DATABASE_URL=database_url,
        LETS_SECRET_KEY="bench",
        LETS_INSTANCE_PATH=tempfile.mkdtemp(prefix="lets-bench-http-"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
    )
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "lets_platform.wsgi:app"]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_serving(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=60)


def _wait_until_serving(port: int, server: subprocess.Popen[bytes]) -> None:
    """Poll the OpenAPI document until the server answers (start-up, not a measurement)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start serving within 60 s")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as the kernel reports them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"
