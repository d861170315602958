"""Background jobs with dramatiq: the broker (Redis, or an in-process stub) and app-bound actors.

Actors are declared with :func:`actor`; :func:`init_app` binds them to the broker the
configuration names, and runs each message inside an app context that commits when the
actor returns and rolls back when it raises (commit once, at the edge).

:func:`send_after_commit` queues a message that leaves only when the current database
transaction commits (an outbox: a rolled-back request sends nothing), and :func:`every`
declares periodic jobs that ``lets scheduler`` sends when due.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import dramatiq
from dramatiq.brokers.stub import StubBroker
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from lets_platform.db import db
from lets_platform.tenancy import scope

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

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


# -- the outbox: messages that leave when the transaction commits ---------------------------

_OUTBOX = "lets_outbox"


#: How long a coalescing mark outlives a send whose job never starts (a lost message).
COALESCE_MS = 2000


def send_after_commit(
    declared: dramatiq.Actor[Any, Any], *args: Any, coalesce: str | None = None, **kwargs: Any
) -> None:
    """Send ``declared(*args, **kwargs)`` once the current session's transaction commits.

    Dropped if it rolls back (or if the savepoint it was queued in rolls back), so a job
    never sees a row that was not committed. A failed send is logged, not raised: the
    work it asks for must also be found by a periodic sweep.

    ``coalesce`` names work that one job does for everyone who asks (clear every pending
    trade, say): until a job sent under that name calls ``release(actor, name)``, asking
    again sends nothing, since that job will find this transaction's rows; it must look
    for work once more after releasing. Redis broker only: the stub sends every time.
    """
    session = db.session()
    session.info.setdefault(_OUTBOX, []).append(
        (session.get_nested_transaction(), declared, args, kwargs, coalesce)
    )


def release(declared: dramatiq.Actor[Any, Any], coalesce: str) -> None:
    """Withdraw a job's ``coalesce`` mark: from now on, asking sends a new job."""
    client = _redis_of(declared.broker)
    if client is not None:
        client.delete(_coalesce_key(declared.broker, coalesce))


def _redis_of(broker: dramatiq.Broker) -> Any:
    return getattr(broker, "client", None) if not isinstance(broker, StubBroker) else None


def _coalesce_key(broker: dramatiq.Broker, coalesce: str) -> str:
    return f"{getattr(broker, 'namespace', 'dramatiq')}:lets-coalesce:{coalesce}"


def _announce(declared: dramatiq.Actor[Any, Any], coalesce: str | None) -> bool:
    """Whether to send now: always, unless a job of the same name is already on its way."""
    if coalesce is None or (client := _redis_of(declared.broker)) is None:
        return True
    key = _coalesce_key(declared.broker, coalesce)
    return bool(client.set(key, 1, nx=True, px=COALESCE_MS))


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    for _savepoint, declared, args, kwargs, coalesce in session.info.pop(_OUTBOX, []):
        try:
            if _announce(declared, coalesce):
                declared.send(*args, **kwargs)
        except Exception:  # the broker is down: the sweep will find the work
            log.exception("could not send %s%r after commit", declared.actor_name, args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_outbox(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:
        session.info.pop(_OUTBOX, None)
    elif previous.nested and session.info.get(_OUTBOX):
        session.info[_OUTBOX] = [e for e in session.info[_OUTBOX] if e[0] is not previous]


# -- periodic jobs ---------------------------------------------------------------------------


@dataclass
class Periodic:
    seconds: float
    declared: dramatiq.Actor[Any, Any]
    args: tuple[Any, ...] = ()


_periodic: dict[str, Periodic] = {}


def every(seconds: float, declared: dramatiq.Actor[Any, Any], *args: Any) -> None:
    """Have ``lets scheduler`` send ``declared(*args)`` every ``seconds`` (once per actor;
    once per period hub-wide, however many schedulers run: ``lets_platform.scheduler``)."""
    _periodic[declared.actor_name] = Periodic(seconds, declared, args)


def periodic() -> dict[str, Periodic]:
    return dict(_periodic)
