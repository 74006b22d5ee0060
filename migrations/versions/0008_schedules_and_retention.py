"""Collection schedules, and the team's time zone they are read in (UTC until changed); result
retention: the team's days and keep-at-least count, and the indexes retention reads by (the
oldest results of a team; the copies of a result).

Teams that exist already keep all their results (0 days) until an admin sets a retention: an
upgrade deletes nothing. Teams made from now on start at 90 days and 3 results.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), server_default="UTC", nullable=False)
        )
        batch_op.add_column(
            sa.Column("result_retention_days", sa.Integer(), server_default="90", nullable=False)
        )
        batch_op.add_column(
            sa.Column("result_keep_last", sa.Integer(), server_default="3", nullable=False)
        )
    teams = sa.table("teams", sa.column("result_retention_days", sa.Integer()))
    op.execute(teams.update().values(result_retention_days=0))
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.create_index("ix_results_age", ["team_id", "created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_results_source_result_id"), ["source_result_id"], unique=False
        )
    op.create_table(
        "collection_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["collections.id"],
            name=op.f("fk_collection_schedules_collection_id_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_collection_schedules_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_schedules")),
        sa.UniqueConstraint("collection_id", name=op.f("uq_collection_schedules_collection_id")),
    )
    with op.batch_alter_table("collection_schedules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collection_schedules_next_run_at"), ["next_run_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_collection_schedules_team_id"), ["team_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("collection_schedules")
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_results_source_result_id"))
        batch_op.drop_index("ix_results_age")
    # Not in a batch: on SQLite that would copy `teams`, and dropping the old copy would
    # cascade to every row that belongs to a team. SQLite 3.35+ drops a column in place.
    for column in ("result_keep_last", "result_retention_days", "time_zone"):
        op.drop_column("teams", column)
