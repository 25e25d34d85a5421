"""Search per source, a privacy flag per incident, 64-bit ids.

- Search matches each source's own text (``sources.search_text``: FTS5 table ``source_search`` on
  SQLite, the stored tsvector ``sources.search_tsv`` on PostgreSQL) instead of the incident's merged
  text, so a conversation's search can only match what it may see (storage/privacy.py). The
  incident-level search objects (``incident_search``, ``incidents.search_tsv``,
  ``incidents.search_text``) are dropped.
- ``incidents.has_private``: set once any sighting of the incident was private;
  ``incidents.mixed_visibility``: its sightings were made in more than one of public channels and
  private conversations (only those can be visible in part).
- The ids of the tables that grow with use become 64-bit on PostgreSQL (SQLite's are already).

Rewrites the incidents, sources and sightings tables once on PostgreSQL: on a large store run
``incident-bot db upgrade`` in a quiet moment.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (table, column) pairs holding a row id of a growing table; their serial sequences too.
_ID_COLUMNS = (
    ("incidents", "id"),
    ("incident_keys", "id"),
    ("incident_keys", "incident_id"),
    ("sources", "id"),
    ("sources", "incident_id"),
    ("source_anchors", "source_id"),
    ("sightings", "id"),
    ("sightings", "source_id"),
    ("sightings", "incident_id"),
    ("digest_runs", "id"),
    ("slack_events", "id"),
)
_SEQUENCES = ("incidents", "incident_keys", "sources", "sightings", "digest_runs", "slack_events")
_BATCH = 500


def _search_text(summary: dict[str, Any], extra: list[str | None]) -> str:
    """The search text of a summary as revision 0004 defines it (storage.repository.search_text;
    migrations describe the schema of their time and never import application code)."""
    parts: list[Any] = [summary.get("title"), summary.get("summary")]
    parts += [str(t).replace("_", " ") for t in summary.get("incident_types") or []]
    for field in ("victims", "attackers", "cves", "tools", "affected_products"):
        mentions = summary.get(field) or []
        parts += [m.get("text") for m in mentions]
        parts += [m["value"] for m in mentions if isinstance(m.get("value"), str)]
    parts += [m.get("text") for m in summary.get("locations") or []]
    parts += extra
    return "\n".join(dict.fromkeys(p for p in parts if isinstance(p, str) and p))


def _json(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else json.loads(value)


def _backfill_source_text(conn: sa.Connection) -> None:
    rows = conn.execute(sa.text("SELECT id, title, site, summary_json FROM sources ORDER BY id")).all()
    for i in range(0, len(rows), _BATCH):
        conn.execute(
            sa.text("UPDATE sources SET search_text = :body WHERE id = :id"),
            [
                {"id": r.id, "body": _search_text(_json(r.summary_json), [r.title, r.site])}
                for r in rows[i : i + _BATCH]
            ],
        )


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    op.add_column("incidents", sa.Column("has_private", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("incidents", sa.Column("mixed_visibility", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE incidents SET has_private = EXISTS"
        " (SELECT 1 FROM sightings WHERE sightings.incident_id = incidents.id AND sightings.is_private)"
    )
    # The visibility class of a sighting: public, or the private conversation it was made in.
    op.execute(
        "UPDATE incidents SET mixed_visibility = (SELECT count(DISTINCT CASE WHEN sightings.is_private"
        " THEN 'private:' || coalesce(sightings.channel_id, '') ELSE 'public' END) FROM sightings"
        " WHERE sightings.incident_id = incidents.id) > 1"
    )
    op.add_column("sources", sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    _backfill_source_text(conn)
    if sqlite:
        # The team and incident ride along unindexed: a search then never reads the (wide) sources rows.
        op.execute(
            "CREATE VIRTUAL TABLE source_search USING fts5(body, team_id UNINDEXED, incident_id UNINDEXED,"
            " tokenize='porter unicode61')"
        )
        op.execute(
            "INSERT INTO source_search (rowid, body, team_id, incident_id)"
            " SELECT id, search_text, team_id, incident_id FROM sources"
        )
        op.execute("DROP TABLE incident_search")
        # SQLite >= 3.35 drops a plain column in place (a batch copy would drop and re-create the
        # incidents table, and the foreign keys' ON DELETE CASCADE would empty its children).
        op.execute("ALTER TABLE incidents DROP COLUMN search_text")
    else:
        op.execute(
            "ALTER TABLE sources ADD COLUMN search_tsv tsvector"
            " GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_sources_search_tsv ON sources USING gin (search_tsv)")
        op.execute("DROP INDEX ix_incidents_search_tsv")
        op.execute("ALTER TABLE incidents DROP COLUMN search_tsv")
        op.execute("ALTER TABLE incidents DROP COLUMN search_text")
        for table, column in _ID_COLUMNS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE bigint")
        for table in _SEQUENCES:
            op.execute(f"ALTER SEQUENCE {table}_id_seq AS bigint")
    op.create_index("ix_incidents_team_id_mixed_visibility", "incidents", ["team_id", "mixed_visibility"])
    op.create_index("ix_sightings_team_id_is_private_channel_id", "sightings", ["team_id", "is_private", "channel_id"])


def downgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    op.drop_index("ix_sightings_team_id_is_private_channel_id", table_name="sightings")
    op.drop_index("ix_incidents_team_id_mixed_visibility", table_name="incidents")
    op.add_column("incidents", sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    rows = conn.execute(sa.text("SELECT id, title, summary_json FROM incidents ORDER BY id")).all()
    bodies = [{"id": r.id, "body": _search_text(_json(r.summary_json), [r.title])} for r in rows]
    for i in range(0, len(bodies), _BATCH):
        conn.execute(sa.text("UPDATE incidents SET search_text = :body WHERE id = :id"), bodies[i : i + _BATCH])
    if sqlite:
        op.execute("CREATE VIRTUAL TABLE incident_search USING fts5(body, tokenize='porter unicode61')")
        op.execute("INSERT INTO incident_search (rowid, body) SELECT id, search_text FROM incidents")
        op.execute("DROP TABLE source_search")
        op.execute("ALTER TABLE sources DROP COLUMN search_text")
        op.execute("ALTER TABLE incidents DROP COLUMN has_private")
        op.execute("ALTER TABLE incidents DROP COLUMN mixed_visibility")
        return
    op.execute(
        "ALTER TABLE incidents ADD COLUMN search_tsv tsvector"
        " GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED"
    )
    op.execute("CREATE INDEX ix_incidents_search_tsv ON incidents USING gin (search_tsv)")
    op.execute("DROP INDEX ix_sources_search_tsv")
    op.execute("ALTER TABLE sources DROP COLUMN search_tsv")
    op.execute("ALTER TABLE sources DROP COLUMN search_text")
    op.execute("ALTER TABLE incidents DROP COLUMN has_private")
    op.execute("ALTER TABLE incidents DROP COLUMN mixed_visibility")
    for table in _SEQUENCES:
        op.execute(f"ALTER SEQUENCE {table}_id_seq AS integer")
    for table, column in _ID_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE integer")
