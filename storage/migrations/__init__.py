"""Alembic migrations shipped inside the package, configured in code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

HERE = Path(__file__).resolve().parent
# Objects that live outside the ORM metadata on purpose (migrations 0001, 0003 and 0004): the SQLite
# FTS5 tables with their shadow tables, and PostgreSQL's generated tsvector columns with their GIN
# indexes. And the tables slack_sdk's installation and OAuth state stores own (migration 0008): the
# library defines and queries them, and a test holds the migration to its definition instead.
NOT_MODELLED = (
    "incident_search",
    "source_search",
    "ix_incidents_search_tsv",
    "ix_sources_search_tsv",
    "search_tsv",
    "slack_installations",
    "slack_bots",
    "slack_oauth_states",
)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Autogenerate filter: compare everything but the hand-written full-text search objects."""
    return not (name or "").startswith(NOT_MODELLED)


def config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at this folder; env.py uses ``connection`` when given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str | None:
    return ScriptDirectory.from_config(config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# Any constant that no other code takes as an advisory lock: "incident-bot migrate" in ASCII.
MIGRATION_LOCK = 0x696E63626F746D67


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Upgrade the database to ``revision``; a no-op when it is already there. Returns the
    revision it upgraded from ("" for an empty database), or None when it did nothing.

    Safe when several replicas start at once: on PostgreSQL the upgrade holds a transaction-level
    advisory lock, so the others wait and then find the schema current; on SQLite the write
    transaction itself (BEGIN IMMEDIATE) serializes them."""
    if revision == "head" and current(engine) == head():
        return None
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        before = MigrationContext.configure(conn).get_current_revision()
        if revision == "head" and before == head():
            return None  # another replica upgraded while this one waited for the lock
        command.upgrade(config(conn), revision)
        return before or ""


def diff(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty when in step)."""
    from storage.models import Base

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": include_name, "compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))
