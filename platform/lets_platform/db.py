"""The SQLAlchemy handle, the declarative base and engine set-up (SQLite pragmas, PostgreSQL pool).

Nothing here connects to the database: engines connect lazily, on first use.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import BigInteger, DateTime, Integer, MetaData, TypeDecorator, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    configure_mappers,
    make_transient_to_detached,
    registry,
    relationship,
)
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.base import instance_state, manager_of_class

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: 64-bit integer primary keys; SQLite only auto-increments a column typed exactly INTEGER.
#: Also the type of a column that holds another table's id without a foreign key of its
#: own (a foreign key column takes its target's type by itself).
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on every backend.

    PostgreSQL keeps ``timestamptz``; SQLite keeps no zone, so values are stored in UTC
    and given their zone back when loaded.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), int: BigInteger()},
    )


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:  # flask-sqlalchemy builds db.Model at run time; to mypy it is Base
    Model = Base
else:
    Model = db.Model


def reference(column: str, target: str) -> Any:
    """A read-only many-to-one from ``column`` ("Model.attribute") to the row of ``target``
    (a model's name) whose id it holds. For columns whose foreign key is composite, such
    as ``(scheme_id, account_id)`` to an account, or that have none (a trade's schemes,
    proven by its accounts' keys: migration 0010), where the ORM cannot infer the join."""
    return relationship(primaryjoin=f"{column} == {target}.id", foreign_keys=column, viewonly=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


def alone(sql: str, parameters: Any) -> tuple[Any, ...] | None:
    """One statement (a server-side call) on a pooled connection of its own, in autocommit
    (PostgreSQL, psycopg): its own transaction, one round trip, whatever the session holds.
    Prepared, since it runs for every request. The first row, as psycopg reads it."""
    import psycopg  # PostgreSQL's driver: not loaded on the embedded default

    pooled = db.engine.raw_connection()
    try:
        connection = cast(psycopg.Connection[Any], pooled.driver_connection)
        connection.autocommit = True
        try:
            row: tuple[Any, ...] | None = connection.execute(
                sql, parameters, prepare=True
            ).fetchone()
        finally:
            connection.autocommit = False
    finally:
        pooled.close()
    return row


_Row = TypeVar("_Row")


def persistent(model: type[_Row], **row: Any) -> _Row:
    """The ``model`` object of a row read or written by a server-side call, from its column
    values (every column), in the session as persistent: in its identity map, nothing to
    flush, and built without the ORM's per-attribute events, as a loaded row would be. If
    the session holds that row already, it is brought up to date instead (as a query with
    ``populate_existing`` would)."""
    mapper = sa_inspect(model)
    if not mapper.configured:  # an app configures its mappers as it is created; this is
        configure_mappers()  # for a model imported afterwards
    key = mapper.identity_key_from_primary_key([row[c.key] for c in mapper.primary_key])
    existing = db.session.identity_map.get(key)
    if existing is not None:
        for name, value in row.items():
            set_committed_value(existing, name, value)
        return cast(_Row, existing)
    made: _Row = manager_of_class(model).new_instance()
    instance_state(made).dict.update(row)
    make_transient_to_detached(made)
    db.session.add(made)
    return made


def engine_options(uri: str) -> dict[str, Any]:
    """Engine options by backend: a long busy timeout for SQLite; for PostgreSQL a pool
    without pre-ping.

    A pre-ping costs every transaction a round trip (a third of a payment's). Without it,
    a connection that died with the server fails the one statement that finds out; that
    error invalidates the whole pool, so the next transaction reconnects, and connections
    are recycled after half an hour so that none outlives a server-side idle timeout.
    """
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": False, "pool_recycle": 1800, "pool_size": 10, "max_overflow": 20}


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(uri))
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine)


_configured: set[int] = set()


def configure_sqlite(engine: Engine) -> None:
    """Make SQLite behave like a ledger database.

    Foreign keys on, WAL journal, and every transaction opened with ``BEGIN IMMEDIATE``
    so that two writers never both read and then fail to upgrade their lock: writers
    queue on the busy timeout instead of failing with "database is locked".
    """
    if id(engine) in _configured:
        return
    _configured.add(id(engine))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
