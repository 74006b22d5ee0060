"""The same migrations build the same schema on PostgreSQL and SQLite, and undo it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from shuttersense.coordinator.migrate import downgrade, upgrade
from shuttersense.coordinator.models import Base


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_it(
    empty_db_url: str,
) -> None:
    upgrade(empty_db_url)
    assert _tables(empty_db_url) == set(Base.metadata.tables) | {"alembic_version"}
    engine = create_engine(empty_db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()

    downgrade(empty_db_url)
    assert _tables(empty_db_url) <= {"alembic_version"}
    upgrade(empty_db_url)  # and up again
    assert "jobs" in _tables(empty_db_url)
