"""Migrations 0007 and 0008 on a database that holds data: an upgrade deletes nothing of the
teams that were there (they keep every result until an admin sets a retention), and a
downgrade keeps every team's rows (both databases)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, text

from shuttersense.coordinator.db import make_engine, make_session_factory
from shuttersense.coordinator.migrate import downgrade, upgrade
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.services.sweeper import sweep
from tests.coordinator.factories import PASSWORD

# Ids come from the database (PostgreSQL's sequences must know them): rows find theirs by GUID.
_ROWS = (
    "INSERT INTO teams (guid, name, settings, created_at)"
    " VALUES ('ten_1', 'Studio', '{}', CURRENT_TIMESTAMP)",
    "INSERT INTO users (guid, team_id, email, password_hash, role, is_active, created_at)"
    " SELECT 'usr_1', id, 'a@studio.example', 'x', 'admin', true, CURRENT_TIMESTAMP FROM teams",
    "INSERT INTO collections (guid, team_id, name, root_path, created_at)"
    " SELECT 'col_1', id, 'c', '/p', CURRENT_TIMESTAMP FROM teams",
    *(
        "INSERT INTO results (guid, team_id, collection_id, tool, status, results_json,"
        " no_change_copy, files_scanned, issues_found, created_at)"
        " SELECT :guid, team_id, id, 'photostats', 'COMPLETED', '{}', false, 0, 0,"
        " CURRENT_TIMESTAMP FROM collections"
        for _ in range(5)
    ),
)


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
    engine.dispose()
    return int(found)


def _fill(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for number, statement in enumerate(_ROWS):
            connection.execute(text(statement), {"guid": f"res_{number}"})
    engine.dispose()


def test_an_upgrade_keeps_every_result_of_the_teams_there_were(empty_db_url: str) -> None:
    upgrade(empty_db_url, "0007")
    _fill(empty_db_url)

    upgrade(empty_db_url)

    engine = make_engine(empty_db_url)
    with make_session_factory(engine)() as session:
        existing = session.execute(
            text("SELECT result_retention_days, result_keep_last, time_zone FROM teams")
        ).one()
        assert tuple(existing) == (0, 3, "UTC")
        ten_years_on = utcnow() + timedelta(days=3650)  # with 90 days, 2 of the 5 would go
        assert sweep(session, now=ten_years_on)["results"] == 0
        newcomer = create_user(session, "b@other.example", PASSWORD, team="Other")
        days = session.execute(
            text("SELECT result_retention_days FROM teams WHERE id = :id"),
            {"id": newcomer.team_id},
        ).scalar_one()
        assert days == 90
    engine.dispose()
    assert _count(empty_db_url, "results") == 5


def test_a_downgrade_keeps_every_teams_rows(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    _fill(empty_db_url)

    downgrade(empty_db_url, "0006")

    assert [_count(empty_db_url, t) for t in ("teams", "users", "results")] == [1, 1, 5]
    upgrade(empty_db_url)
    assert _count(empty_db_url, "users") == 1
