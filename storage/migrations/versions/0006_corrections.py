"""People's corrections of cards and their feedback: ``corrections`` (who changed which field,
from what to what), ``feedback`` (a verdict per person and incident), and ``incidents.overrides_json``
(the corrections in force, applied on top of every re-merge).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("incidents", sa.Column("overrides_json", JSON, nullable=True))
    op.create_table(
        "corrections",
        sa.Column("id", ID, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("before", JSON, nullable=False),
        sa.Column("after", JSON, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_corrections_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_corrections"),
    )
    op.create_index("ix_corrections_incident_id", "corrections", ["incident_id"])
    op.create_index("ix_corrections_team_id_created_at", "corrections", ["team_id", "created_at"])
    op.create_table(
        "feedback",
        sa.Column("id", ID, nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_feedback_incident_id_incidents", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.UniqueConstraint("team_id", "incident_id", "user_id", name="uq_feedback_team_id_incident_id_user_id"),
    )


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_index("ix_corrections_team_id_created_at", table_name="corrections")
    op.drop_index("ix_corrections_incident_id", table_name="corrections")
    op.drop_table("corrections")
    # A plain DROP COLUMN (SQLite has one since 3.35): Alembic's batch mode would rebuild the
    # incidents table on SQLite, and with it lose what the full-text search hangs on.
    op.execute("ALTER TABLE incidents DROP COLUMN overrides_json")
