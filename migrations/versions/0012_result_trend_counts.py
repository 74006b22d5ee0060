"""Each result keeps the summable counts its trends read (`trend_counts`, small), so trends,
the overview and the "got worse" check read them instead of unpacking results that may be
megabytes. Rows stored before stay NULL: the coordinator reads their counts off the result
itself, as it always did.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.add_column(sa.Column("trend_counts", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.drop_column("trend_counts")
