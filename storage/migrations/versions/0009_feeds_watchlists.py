"""Feeds, their entries, watchlists and alerts (docs/feeds.md).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", ID, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("conversation_type", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("title", sa.String(300), nullable=True),
        sa.Column("types", JSON, nullable=False),
        sa.Column("alert_severity", sa.String(16), nullable=True),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("etag", sa.String(500), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("next_poll_at", WHEN, nullable=False),
        sa.Column("last_polled_at", WHEN, nullable=True),
        sa.Column("last_ok_at", WHEN, nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feeds"),
        sa.UniqueConstraint("team_id", "channel_id", "url", name="uq_feeds_team_id_channel_id_url"),
    )
    op.create_index("ix_feeds_paused_next_poll_at", "feeds", ["paused", "next_poll_at"])
    op.create_table(
        "feed_entries",
        sa.Column("id", ID, nullable=False),
        sa.Column("feed_id", ID, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("link", sa.String(2000), nullable=True),
        sa.Column("title", sa.String(500), nullable=True),
        sa.Column("seen_at", WHEN, nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("incident_id", ID, nullable=True),
        sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], name="fk_feed_entries_feed_id_feeds", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_feed_entries"),
        sa.UniqueConstraint("feed_id", "key", name="uq_feed_entries_feed_id_key"),
    )
    op.create_table(
        "watch_terms",
        sa.Column("id", ID, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("term", sa.String(200), nullable=False),
        sa.Column("norm", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_watch_terms"),
        sa.UniqueConstraint("team_id", "channel_id", "norm", name="uq_watch_terms_team_id_channel_id_norm"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", ID, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("severity_rank", sa.SmallInteger(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("posted_at", WHEN, nullable=True),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_alerts_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("team_id", "channel_id", "incident_id", name="uq_alerts_team_id_channel_id_incident_id"),
    )
    op.create_index("ix_alerts_status", "alerts", ["status"])


def downgrade() -> None:
    op.drop_index("ix_alerts_status", table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("watch_terms")
    op.drop_table("feed_entries")
    op.drop_index("ix_feeds_paused_next_poll_at", table_name="feeds")
    op.drop_table("feeds")
