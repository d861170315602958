"""The benchmark's paying clients, each a separate process: through the operations layer
(its own app, as the app role) or through HTTP (bearer tokens, keep-alive).

Every client pays from a random member to another for a fixed time and reports how many
payments it committed and how many the ledger refused, by error code.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import socket
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from payments_db import bench_app
from sqlalchemy import event

from lets_platform.db import db
from lets_platform.errors import LetsError
from lets_platform.tenancy import scope
from lets_platform.tenancy.models import Scheme
from lets_tenants.ledger.operations import pay as ledger_pay

#: Payments are 1.00 to 15.00 units (minor units of a two-decimal currency).
AMOUNTS = (100, 1500)
#: Payments each client makes before the clock starts (compiles statements, fills pools).
WARM_UP = 20


@dataclass
class Outcome:
    """What one client did: committed payments, refusals by code, unexpected errors."""

    committed: int = 0
    warm_up: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    #: CPU seconds the client process itself spent in the timed loop
    cpu: float = 0.0


def _amount(rng: random.Random) -> str:
    minor = rng.randint(*AMOUNTS)
    return f"{minor // 100}.{minor % 100:02d}"


def run_clients(
    target: Callable[..., None], count: int, timeout: float, *args: Any
) -> list[Outcome]:
    """Start ``count`` spawned processes running ``target(index, barrier, queue, *args)``;
    they start paying together and return their outcomes (waiting at most ``timeout``)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(count)
    queue = context.Queue()
    processes = [
        context.Process(target=target, args=(i, barrier, queue, *args)) for i in range(count)
    ]
    for process in processes:
        process.start()
    outcomes = [queue.get(timeout=timeout) for _ in processes]
    for process in processes:
        process.join()
    return outcomes


def _timed(loop: Callable[[], bool], barrier: Any, seconds: float, outcome: Outcome) -> None:
    """Warm up, wait for the other clients, then run ``loop`` (True: committed) for ``seconds``."""
    for _ in range(WARM_UP):
        outcome.warm_up += loop()
    barrier.wait()
    started, cpu = time.monotonic(), time.process_time()
    deadline = started + seconds
    while time.monotonic() < deadline:
        outcome.committed += loop()
    outcome.elapsed = time.monotonic() - started
    outcome.cpu = time.process_time() - cpu


def ops_client(
    index: int, barrier: Any, queue: Any, database_url: str, schemes: list[Any], seconds: float
) -> None:
    """Pay through ``lets_tenants.ledger.operations.pay``, the ledger's payment as its own
    unit of work (what the API calls for a member's own payment)."""
    outcome = Outcome()
    try:
        app = bench_app(database_url)
        rng = random.Random(index)
        with app.app_context():
            # Loaded once and kept out of the session, so that rolling back after a
            # refusal does not expire it (a reload would cost a transaction per refusal):
            # the scheme's status, which may change, is read by the payment itself, in the
            # same statement that moves the balances.
            loaded = {s.id: db.session.get_one(Scheme, s.id) for s in schemes}
            db.session.expunge_all()
            db.session.commit()

            def pay() -> bool:
                bench = rng.choice(schemes)
                payer, payee = rng.sample(bench.handles, 2)
                scope.reset(str(bench.id))  # for a refusal, which the session names
                try:
                    ledger_pay(
                        loaded[bench.id],
                        payer=payer,
                        payee=payee,
                        amount=_amount(rng),
                        entered_by=None,
                    )
                    return True
                except LetsError as refusal:
                    db.session.rollback()
                    outcome.refused[refusal.code] += 1
                    return False

            _timed(pay, barrier, seconds, outcome)
            db.session.remove()
    except Exception:  # noqa: BLE001 - reported to the parent, which fails loudly
        outcome.errors.append(traceback.format_exc())
        barrier.abort()
    queue.put(outcome)


class KeptAlive:
    """One kept-alive HTTP/1.1 connection that POSTs JSON and reads the answer: the load
    generator's side of the HTTP run, as lean as pgbench is on its side. ``http.client``
    parses every response's headers with the ``email`` package, which cost the client
    processes 0.45 ms of CPU a request, on the two cores the server runs on as well.
    gunicorn answers a JSON body with a Content-Length, never chunked, which is all this
    reads; a connection the server closes (its keep-alive timeout) is opened again and
    the request sent again, which the Idempotency-Key makes safe, as any HTTP client with
    a connection pool does."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.host = f"Host: {parts.netloc}\r\n"
        self.sock: socket.socket | None = None
        self.unread = b""

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """The status and body of POSTing ``body`` to ``path``."""
        head = f"POST {path} HTTP/1.1\r\n{self.host}Content-Length: {len(body)}\r\n"
        request = (head + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n").encode()
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(self.address, timeout=60)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sock.sendall(request + body)
                return self._answer()
            except (ConnectionError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _answer(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self.unread:
            self._receive()
        head, _, self.unread = self.unread.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status, length, close = int(lines[0].split(b" ", 2)[1]), 0, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        while len(self.unread) < length:
            self._receive()
        answer, self.unread = self.unread[:length], self.unread[length:]
        if close:
            self.close()
        return status, answer

    def _receive(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        self.unread += chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.unread = None, b""


def http_client(
    index: int, barrier: Any, queue: Any, base_url: str, schemes: list[Any], seconds: float
) -> None:
    """POST payments to the API as each payer (their own bearer token), with keep-alive."""
    outcome = Outcome()
    try:
        connection = KeptAlive(base_url)
        rng = random.Random(1000 + index)

        def pay() -> bool:
            bench = rng.choice(schemes)
            payer, payee = rng.sample(bench.handles, 2)
            body = json.dumps({"payer": payer, "payee": payee, "amount": _amount(rng)})
            headers = {
                "Authorization": f"Bearer {bench.tokens[payer]}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"{index}-{rng.getrandbits(64):x}",
            }
            path = f"/api/v1/schemes/{bench.slug}/transfers"
            status, raw = connection.post(path, body.encode(), headers)
            answer = json.loads(raw or b"{}")
            if status == 201:
                return True
            if status in (409, 422) and "code" in answer:
                outcome.refused[answer["code"]] += 1
            else:
                outcome.errors.append(f"{status}: {answer}")
            return False

        _timed(pay, barrier, seconds, outcome)
        connection.close()
    except Exception:  # noqa: BLE001 - reported to the parent, which fails loudly
        outcome.errors.append(traceback.format_exc())
        barrier.abort()
    queue.put(outcome)


def trace_round_trips(database_url: str, bench: Any) -> int:
    """Print what one payment sends to the server, through the operations layer and then
    through the API (in-process, the same handlers gunicorn runs), from libpq's own
    protocol trace on every connection it uses: every simple Query or extended-protocol
    Sync is one round trip. Returns the number of payments it committed."""
    app = bench_app(database_url)
    client = app.test_client()
    payer, payee = bench.handles[1], bench.handles[2]
    with app.app_context():
        scheme = db.session.get_one(Scheme, bench.id)
        db.session.expunge(scheme)  # kept loaded, as the benchmark's clients keep it
        db.session.commit()

        def pay() -> None:
            scope.reset(str(bench.id))
            ledger_pay(scheme, payer=payer, payee=payee, amount="1.00", entered_by=None)

        def post() -> None:
            response = client.post(
                f"/api/v1/schemes/{bench.slug}/transfers",
                json={"payer": payer, "payee": payee, "amount": "1.00"},
                headers={"Authorization": f"Bearer {bench.tokens[payer]}"},
            )
            assert response.status_code == 201, response.get_json()

        for name, action in (("operations layer", pay), ("HTTP request", post)):
            _print_trace(name, _traced(action))
        db.engine.dispose()
    return 4


def _traced(action: Callable[[], None]) -> list[tuple[str, str]]:
    """The messages ``action`` sends to the server, on whichever pooled connections it
    checks out, as (kind, text); run once before, untraced, so that it is measured warm."""
    db.session.remove()
    action()
    db.session.remove()
    with tempfile.TemporaryFile("w+") as trace:

        def on_checkout(dbapi_connection: Any, *_: Any) -> None:
            dbapi_connection.pgconn.trace(trace.fileno())

        def on_checkin(dbapi_connection: Any, *_: Any) -> None:
            dbapi_connection.pgconn.untrace()

        event.listen(db.engine, "checkout", on_checkout)
        event.listen(db.engine, "checkin", on_checkin)
        try:
            action()
            db.session.remove()
        finally:
            event.remove(db.engine, "checkout", on_checkout)
            event.remove(db.engine, "checkin", on_checkin)
        trace.seek(0)
        lines = [line.split("\t") for line in trace if "\tF\t" in line]
    return [(f[3].strip(), f[-1].strip()[:90]) for f in lines if len(f) > 3]


def _print_trace(name: str, sent: list[tuple[str, str]]) -> None:
    for kind, what in sent:
        if kind in ("Query", "Parse") or (kind == "Bind" and '"_pg3_' in what):
            print(f"  {kind:6} {what}")  # a Bind of a named statement: prepared before
    trips = sum(1 for kind, _ in sent if kind in ("Query", "Sync"))
    print(f"one payment through the {name}: {trips} round trips")
