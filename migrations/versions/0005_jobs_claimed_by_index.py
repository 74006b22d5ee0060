"""An index for the heartbeat's lease renewal: the jobs an agent holds, by agent and state.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 15:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_jobs_claimed_by", "jobs", ["claimed_by_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_jobs_claimed_by", table_name="jobs")
