"""Web push: each user's notification preferences and the deliveries waiting to be sent (one
row per subscription and event, so that of several instances hearing the same event only one
queues it); values of the instance as a whole (the development VAPID keys, encrypted, and the
marker that the first-run screen made the first admin).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "instance_values",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_instance_values")),
    )
    op.create_table(
        "push_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("job_failed", sa.Boolean(), nullable=False),
        sa.Column("results_ready", sa.Boolean(), nullable=False),
        sa.Column("agent_offline", sa.Boolean(), nullable=False),
        sa.Column("collection_worse", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_push_preferences_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_push_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_preferences")),
        sa.UniqueConstraint("user_id", name=op.f("uq_push_preferences_user_id")),
    )
    with op.batch_alter_table("push_preferences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_push_preferences_team_id"), ["team_id"], unique=False)
    op.create_table(
        "push_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["push_subscriptions.id"],
            name=op.f("fk_push_deliveries_subscription_id_push_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_deliveries")),
        sa.UniqueConstraint(
            "subscription_id", "event_key", name=op.f("uq_push_deliveries_subscription_id")
        ),
    )
    with op.batch_alter_table("push_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_push_deliveries_next_attempt_at"), ["next_attempt_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("push_deliveries")
    op.drop_table("push_preferences")
    op.drop_table("instance_values")
