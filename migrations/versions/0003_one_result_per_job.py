"""One result per job: a repeated or racing completion can never store a second one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:06:32.229915
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_results_job_id"), ["job_id"])


def downgrade() -> None:
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_results_job_id"), type_="unique")
