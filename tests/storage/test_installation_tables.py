"""Migration 0008 creates exactly the tables slack_sdk's installation and OAuth state stores define:
compared with autogenerate against the library's own table builders, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, inspect

from storage import Store

TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")


def library_metadata() -> MetaData:
    metadata = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(metadata, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, "slack_oauth_states")
    return metadata


def only_slack_tables(name: str | None, type_: str, parent_names: Any) -> bool:
    if type_ == "schema":
        return True
    if type_ == "table":
        return name in TABLES
    return parent_names.get("table_name") in TABLES


def test_the_migration_matches_slack_sdks_definition(store: Store) -> None:
    assert set(TABLES) <= set(inspect(store.engine).get_table_names())
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": only_slack_tables, "compare_type": True})
        assert compare_metadata(ctx, library_metadata()) == []


def test_the_comparison_sees_a_missing_column(store: Store) -> None:
    """The check above can fail: a column the library would add shows up as a difference."""
    metadata = library_metadata()
    from sqlalchemy import Column, String

    metadata.tables["slack_bots"].append_column(Column("bot_nickname", String(32)))
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": only_slack_tables, "compare_type": True})
        diffs = compare_metadata(ctx, metadata)
    assert [(d[0], d[2], d[3].name) for d in diffs] == [("add_column", "slack_bots", "bot_nickname")]
