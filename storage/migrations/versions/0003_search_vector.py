"""PostgreSQL search reads a stored tsvector instead of computing one per matching row.

The first migration indexed the expression ``to_tsvector('english', search_text)``: matching used
the index, but ranking with ``ts_rank`` recomputed the vector of every matching row (64 ms for a
two-word query matching ~5,000 of 100,000 incidents). A generated column keeps the vector beside
the row, the GIN index moves onto it, and ranking reads it. SQLite (FTS5) is unchanged.

Adding a stored generated column rewrites the table once: on a large store, run
``incident-bot db upgrade`` in a quiet moment.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE incidents ADD COLUMN search_tsv tsvector"
        " GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED"
    )
    op.execute("DROP INDEX ix_incidents_search_tsv")
    op.execute("CREATE INDEX ix_incidents_search_tsv ON incidents USING gin (search_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_incidents_search_tsv")
    op.execute("ALTER TABLE incidents DROP COLUMN search_tsv")
    op.execute("CREATE INDEX ix_incidents_search_tsv ON incidents USING gin (to_tsvector('english', search_text))")
