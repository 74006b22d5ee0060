"""At most one unfinished (queued, claimed or running) job per collection and tool: queueing a
tool again finds the job already waiting instead of adding a second.

Duplicates made before this revision are cancelled first, keeping per collection and tool the
job furthest along (running, then claimed, then queued; the oldest among equals), so the unique
index can be built. They get no CANCELLED result: they never ran.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 09:00:00.000000
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_UNFINISHED = ("queued", "claimed", "running")
_WHERE = sa.text("status IN ('queued', 'claimed', 'running')")


def _cancel_duplicates() -> None:
    jobs = sa.table(
        "jobs",
        sa.column("id", sa.Integer()),
        sa.column("collection_id", sa.Integer()),
        sa.column("tool", sa.String()),
        sa.column("status", sa.String()),
        sa.column("error", sa.Text()),
        sa.column("finished_at", sa.DateTime(timezone=True)),
        sa.column("lease_expires_at", sa.DateTime(timezone=True)),
    )
    keep = jobs.alias("keep")

    def stage(table: sa.TableClause) -> sa.Case[int]:
        return sa.case((table.c.status == "running", 0), (table.c.status == "claimed", 1), else_=2)

    further_along = sa.or_(
        stage(keep) < stage(jobs), sa.and_(stage(keep) == stage(jobs), keep.c.id < jobs.c.id)
    )
    beaten = (
        sa.select(keep.c.id)
        .where(
            keep.c.collection_id == jobs.c.collection_id,
            keep.c.tool == jobs.c.tool,
            keep.c.status.in_(_UNFINISHED),
            further_along,
        )
        .exists()
    )
    op.execute(
        sa.update(jobs)
        .where(jobs.c.status.in_(_UNFINISHED), jobs.c.collection_id.is_not(None), beaten)
        .values(
            status="cancelled",
            error="cancelled as a duplicate: the same tool was queued on the collection already",
            finished_at=datetime.now(UTC),
            lease_expires_at=None,
        )
    )


def upgrade() -> None:
    _cancel_duplicates()
    op.create_index(
        "uq_jobs_unfinished",
        "jobs",
        ["collection_id", "tool"],
        unique=True,
        postgresql_where=_WHERE,
        sqlite_where=_WHERE,
    )


def downgrade() -> None:
    op.drop_index("uq_jobs_unfinished", table_name="jobs")
