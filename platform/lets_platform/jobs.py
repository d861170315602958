"""Background jobs with dramatiq: the broker (Redis, or an in-process stub) and app-bound actors.

Actors are declared with :func:`actor`; :func:`init_app` binds them to the broker the
configuration names, and runs each message inside an app context that commits when the
actor returns and rolls back when it raises (commit once, at the edge).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import dramatiq
from dramatiq.brokers.stub import StubBroker
from flask import Flask

from lets_platform.db import db
from lets_platform.tenancy import scope

F = TypeVar("F", bound=Callable[..., Any])

_actors: list[dramatiq.Actor[Any, Any]] = []
_app: Flask | None = None
_broker: dramatiq.Broker = StubBroker()


def actor(**options: Any) -> Callable[[F], dramatiq.Actor[Any, Any]]:
    """Declare a job; its body runs in an app context and its changes commit at the end."""

    def wrap(fn: F) -> dramatiq.Actor[Any, Any]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            if _app is None:
                raise RuntimeError("lets jobs: init_app() has not bound an app")
            with _app.app_context():
                scope.allow_all()  # jobs act for the hub; each names its schemes itself
                try:
                    result = fn(*args, **kwargs)
                    db.session.commit()
                    return result
                except BaseException:
                    db.session.rollback()
                    raise

        declared = dramatiq.actor(broker=_broker, **options)(run)
        _actors.append(declared)
        return declared

    return wrap


def make_broker(redis_url: str | None, namespace: str = "dramatiq") -> dramatiq.Broker:
    """Dramatiq's Redis broker (its keys under ``namespace``) or, without Redis, the stub."""
    if redis_url:
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=redis_url, namespace=namespace)
    return StubBroker()


def init_app(app: Flask) -> None:
    """Create the configured broker and bind every declared actor to it and to ``app``."""
    global _app, _broker
    _app = app
    broker = _broker = make_broker(
        app.config.get("LETS_REDIS_URL"), app.config.get("LETS_REDIS_NAMESPACE", "dramatiq")
    )
    dramatiq.set_broker(broker)
    app.extensions["lets_broker"] = broker
    for declared in _actors:
        bind(declared, broker)


def bind(declared: dramatiq.Actor[Any, Any], broker: dramatiq.Broker) -> None:
    declared.broker = broker
    broker.declare_actor(declared)


def broker_of(app: Flask) -> dramatiq.Broker:
    broker: dramatiq.Broker = app.extensions["lets_broker"]
    return broker


def start_in_process_worker(app: Flask, threads: int = 2) -> dramatiq.Worker:
    """Run a worker in this process (the embedded default, with the stub broker)."""
    worker = dramatiq.Worker(broker_of(app), worker_threads=threads)
    threading.Thread(target=worker.start, daemon=True, name="lets-worker").start()
    return worker
