"""Engine creation: a SQLite file (WAL, foreign keys, serialized writers) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

from bot.errors import ConfigurationError

# How long a writer waits for another writer's lock before SQLite reports "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000
# A PostgreSQL server that is down should fail fast with a clear message, not hang the user.
PG_CONNECT_TIMEOUT_S = 5
# A pooled PostgreSQL connection idle for longer than this is pinged before use (see _ping_when_idle).
PG_PING_AFTER_IDLE_S = 10.0
# Execution option marking a read-only transaction (SQLite then takes no write lock up front).
READ_ONLY = "incident_bot_read_only"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(
    url: str,
    *,
    sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
    pg_ping_after_idle_s: float = PG_PING_AFTER_IDLE_S,
    **kwargs: Any,
) -> Engine:
    """An engine for ``url`` with the settings this project relies on; the caller disposes it."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        # The message would repeat the URL, and with it a password: say what is wrong, not what it was.
        raise ConfigurationError(
            "DATABASE_URL is not a database URL: use sqlite:///path/to/file.sqlite3 or postgresql+psycopg://…"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": sqlite_busy_timeout_ms / 1000}, **kwargs)
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise ConfigurationError(
                "DATABASE_URL: PostgreSQL is reached through psycopg 3; write postgresql+psycopg://…"
            )
        connect_args = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        engine = create_engine(parsed, connect_args=connect_args, **kwargs)
        _configure_postgresql(engine)
        _ping_when_idle(engine, pg_ping_after_idle_s)
        return engine
    raise ConfigurationError(
        f"DATABASE_URL names an unsupported database ({backend!r}): use sqlite:/// or postgresql+psycopg://"
    )


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module, which would BEGIN lazily
        # (deferred) and then fail with "database is locked" when a reader upgrades to writer;
        # the "begin" hook below issues the right BEGIN instead (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _enable_wal(cursor, busy_timeout_ms / 1000)
        cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores REFERENCES unless told
        # FULL: a commit is on disk before the user is told "stored" (NORMAL could lose the last
        # commits on power loss); the benchmark shows the cost is affordable.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock at BEGIN so that two of them queue on busy_timeout instead
        # of deadlocking mid-transaction; reads stay deferred and never wait.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def _enable_wal(cursor: Any, timeout_s: float) -> None:
    """WAL journal mode: readers never block the writer, nor it them. The mode is kept in the file,
    so only the first connection to a new database switches it; but when several processes open a
    new database at once, SQLite answers the switch with "database is locked" at once, without
    waiting on the busy timeout (one replica in six failed to start that way). So it is retried."""
    deadline = time.monotonic() + timeout_s
    delay = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # psycopg prepares a statement on the server after 5 executions, and PostgreSQL may then
        # cache a generic plan made from the table statistics of that moment. A bot that starts on
        # an empty store kept plans made for empty tables: the candidate lookup went from 1.2 to
        # 6.4 ms within 4,000 submissions and kept growing (on a server with autovacuum off, as
        # here, statistics never catch up). Custom plans see the current table sizes every time;
        # planning these small statements costs less than the scans they avoid.
        cursor = dbapi_connection.cursor()
        cursor.execute("SET plan_cache_mode = force_custom_plan")
        cursor.close()
        dbapi_connection.commit()  # psycopg opened a transaction for the SET: keep the setting


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Ping a pooled connection before use only when it sat idle: a server restart is then noticed.

    ``pool_pre_ping`` pings on every checkout, a round trip that cost ~0.25 ms of every write
    transaction (a third of an empty one). A connection used moments ago is alive in practice; one
    that idled may have been cut by a server restart or a firewall, so it is pinged, and a dead one is
    replaced before the caller sees it (SQLAlchemy's documented "raise DisconnectionError in
    checkout" recipe). A server that dies mid-burst fails that one request with a clear
    StorageError, and the pool is refreshed for the next.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at < idle_s:
            return  # a fresh connection, or one used moments ago
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()  # the ping must not leave a transaction open
        except Exception as error:
            raise exc.DisconnectionError(f"stale pooled connection: {error}") from error
