"""Test helpers for jobs on the real Redis broker and real ``lets worker`` processes.

A test binds the actors it sends to a Redis broker under a namespace of its own (so
parallel runs sharing one Redis database do not meet; the namespace's keys are deleted
after), starts dramatiq workers as process groups configured from the environment like
production, kills or stops them, and polls the database until a condition holds.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import redis
from dramatiq.brokers.redis import RedisBroker

from lets_platform import testing

#: Generous: only reached when something is broken, never part of what is asserted.
DEADLINE_S = 120


@contextlib.contextmanager
def namespaced_broker(
    bind: Callable[[Any, str, Any], None], actors: Iterable[Any]
) -> Iterator[RedisBroker]:
    """A Redis broker under a fresh namespace, the ``actors`` sent to it while it lasts.

    ``bind`` is pytest's ``monkeypatch.setattr`` (it restores the actors' own broker).
    """
    url = testing.redis_url()
    assert url is not None, "needs LETS_TEST_REDIS_URL"
    namespace = f"lets-test-{uuid.uuid4().hex[:12]}"
    broker = RedisBroker(url=url, namespace=namespace)
    for actor in actors:
        bind(actor, "broker", broker)
    try:
        yield broker
    finally:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"{namespace}:*"))
        if keys:
            client.delete(*keys)
        client.close()
        broker.client.close()


class Workers:
    """``lets worker`` (dramatiq) processes against the test database and ``broker``'s
    namespace, each in a process group of its own with its log in ``logs``."""

    def __init__(
        self, database_url: str, broker: RedisBroker, logs: Path, env: dict[str, str]
    ) -> None:
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []
        self.env = {
            **os.environ,
            "LETS_DATABASE_URL": database_url,
            "LETS_REDIS_URL": testing.redis_url() or "",
            "LETS_REDIS_NAMESPACE": broker.namespace,
            "LETS_INSTANCE_PATH": str(logs),
            "LETS_SECRET_KEY": "test",
            **env,
        }

    def start(self, threads: int = 2) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "dramatiq", "lets_platform.worker"]
        command += ["--processes", "1", "--threads", str(threads)]
        with open(self.logs / f"worker-{len(self.started)}.log", "wb") as log:
            process = subprocess.Popen(
                command,
                env=self.env,
                cwd=self.logs,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            stop(process)

    def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        """Poll ``condition`` until it holds; fail after a generous deadline, showing the
        end of the workers' logs."""
        deadline = time.monotonic() + DEADLINE_S
        while not condition():
            if time.monotonic() > deadline:
                tails = [f"{p.name}:\n{p.read_text()[-2000:]}" for p in self.logs.glob("worker-*")]
                raise AssertionError(f"gave up waiting for {what}\n" + "\n".join(tails))
            time.sleep(0.01)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a worker as an operator does: SIGTERM to dramatiq's parent, which lets the
    messages in hand finish before it exits."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    process.wait(timeout=DEADLINE_S)
    kill(process)  # whatever of its group outlived it


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker's whole process group (the dramatiq parent and its workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=DEADLINE_S)


def lets_audit(instance: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    """``lets audit`` as an operator runs it, against the test database."""
    lets = Path(sys.executable).with_name("lets")
    env = {**os.environ, "LETS_DATABASE_URL": database_url, "LETS_INSTANCE_PATH": str(instance)}
    env.pop("LETS_REDIS_URL", None)
    return subprocess.run(
        [str(lets), "audit"], env=env, capture_output=True, text=True, timeout=DEADLINE_S
    )
