"""Audits: the jobs queued together on one collection, which an agent claims together and runs
on one scan (`jobs.audit_guid`); an upload may carry an audit's outcomes (`uploads.audit_guid`);
a collection may ask for its sidecars to be read (`collections.check_sidecars`).

Every job there is becomes an audit of its own, named after it (`job_X` → `adt_X`). Columns are
only added (SQLite adds them in place; copying `jobs` would fire the foreign keys that point at
it).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not in batches, which may copy a table on SQLite (see the module docstring).
    op.add_column("jobs", sa.Column("audit_guid", sa.String(length=30), nullable=True))
    op.create_index(op.f("ix_jobs_audit_guid"), "jobs", ["audit_guid"], unique=False)
    jobs = sa.table("jobs", sa.column("guid", sa.String()), sa.column("audit_guid", sa.String()))
    op.execute(
        jobs.update().values(audit_guid=sa.literal("adt_").concat(sa.func.substr(jobs.c.guid, 5)))
    )
    op.add_column("uploads", sa.Column("audit_guid", sa.String(length=30), nullable=True))
    op.add_column(
        "collections",
        sa.Column("check_sidecars", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place.
    op.drop_column("collections", "check_sidecars")
    op.drop_column("uploads", "audit_guid")
    op.drop_index(op.f("ix_jobs_audit_guid"), table_name="jobs")
    op.drop_column("jobs", "audit_guid")
