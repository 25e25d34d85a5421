"""Alembic environment: runs on the connection handed over by storage.migrations (online only)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.migrations import include_name
from storage.models import Base


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_name=include_name,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can only ALTER by copying
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through storage.migrations.upgrade() or `incident-bot db upgrade`")
run(connection)
