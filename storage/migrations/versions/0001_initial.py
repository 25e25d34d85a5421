"""Incidents, sources, sightings, dedupe keys, digest subscriptions and runs, full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Migrations never import the models: they describe the schema as it was at this revision.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts(name: str, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("cadence", sa.String(16), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=True),
        sa.Column("filters", JSON, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        _ts("created_at"),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_digest_subscriptions"),
        sa.UniqueConstraint("team_id", "channel_id", name="uq_digest_subscriptions_team_id_channel_id"),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("incident_type", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("severity_rank", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("is_incident", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("primary_victim", sa.String(300), nullable=True),
        _ts("first_seen_at"),
        _ts("last_seen_at"),
        sa.Column("source_count", sa.Integer(), nullable=False),
        sa.Column("schema_version", sa.SmallInteger(), nullable=False),
        sa.Column("summary_json", JSON, nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
    )
    op.create_index("ix_incidents_team_id_last_seen_at", "incidents", ["team_id", "last_seen_at"])
    op.create_index(
        "ix_incidents_team_id_incident_type_last_seen_at", "incidents", ["team_id", "incident_type", "last_seen_at"]
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        _ts("period_start"),
        _ts("period_end"),
        sa.Column("status", sa.String(16), nullable=False),
        _ts("claimed_at"),
        _ts("posted_at", nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("incident_count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["digest_subscriptions.id"],
            name="fk_digest_runs_subscription_id_digest_subscriptions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_digest_runs"),
        sa.UniqueConstraint("subscription_id", "period_start", name="uq_digest_runs_subscription_id_period_start"),
    )
    op.create_table(
        "incident_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_incident_keys_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_incident_keys"),
        sa.UniqueConstraint("incident_id", "kind", "key", name="uq_incident_keys_incident_id_kind_key"),
    )
    op.create_index("ix_incident_keys_incident_id", "incident_keys", ["incident_id"])
    op.create_index("ix_incident_keys_team_id_kind_key", "incident_keys", ["team_id", "kind", "key"])
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("canonical_url", sa.String(2048), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("site", sa.String(255), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        _ts("submitted_at"),
        sa.Column("submitter", sa.String(64), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("sketch", sa.LargeBinary(), nullable=False),
        sa.Column("schema_version", sa.SmallInteger(), nullable=False),
        sa.Column("summary_json", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_sources_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("team_id", "canonical_url", name="uq_sources_team_id_canonical_url"),
        sa.UniqueConstraint("team_id", "content_hash", name="uq_sources_team_id_content_hash"),
    )
    op.create_index("ix_sources_incident_id", "sources", ["incident_id"])
    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("submitter", sa.String(64), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        _ts("seen_at"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_sightings_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_sightings_source_id_sources", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sightings"),
    )
    op.create_index("ix_sightings_incident_id", "sightings", ["incident_id"])
    op.create_index("ix_sightings_source_id", "sightings", ["source_id"])
    op.create_index("ix_sightings_team_id_seen_at", "sightings", ["team_id", "seen_at"])
    op.create_table(
        "source_anchors",
        sa.Column("source_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_source_anchors_source_id_sources", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("source_id", "hash", name="pk_source_anchors"),
    )
    op.create_index("ix_source_anchors_team_id_hash", "source_anchors", ["team_id", "hash"])

    # Full-text search, one per database behind IncidentRepository.search. These objects are not
    # in the ORM metadata (env.py leaves them out of autogenerate comparisons).
    if op.get_bind().dialect.name == "sqlite":
        # porter: "breached" finds "breach", as the 'english' configuration does on PostgreSQL.
        op.execute("CREATE VIRTUAL TABLE incident_search USING fts5(body, tokenize='porter unicode61')")
    else:
        op.execute("CREATE INDEX ix_incidents_search_tsv ON incidents USING gin (to_tsvector('english', search_text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE incident_search")
    else:
        op.execute("DROP INDEX ix_incidents_search_tsv")
    for table in ("source_anchors", "sightings", "sources", "incident_keys", "digest_runs", "incidents"):
        op.drop_table(table)
    op.drop_table("digest_subscriptions")
