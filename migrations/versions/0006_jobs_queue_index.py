"""A partial index of the queued jobs for claims: oldest first per agent (and per team for the
jobs any agent may take).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_QUEUED = sa.text("status = 'queued'")


def upgrade() -> None:
    op.create_index(
        "ix_jobs_queue",
        "jobs",
        ["agent_id", "team_id", "created_at", "id"],
        postgresql_where=_QUEUED,
        sqlite_where=_QUEUED,
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_queue", table_name="jobs")
