"""Rows for coordinator tests, made through the services where one exists."""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from shuttersense.coordinator.models import Team
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.services.registration import create_registration_token


def team_with_token(url: str, team: str = "Studio", *, expires_hours: int = 24) -> tuple[str, str]:
    """Create a team (with an admin) and a registration token; return (team GUID, token)."""
    engine = create_engine(url)
    with Session(engine) as session:
        admin = create_user(session, f"admin@{team.lower()}.example", "s3cret-pass", team=team)
        team_row = session.get_one(Team, admin.team_id)
        issued = create_registration_token(session, team_row, expires_hours=expires_hours)
        guid = team_row.guid
    engine.dispose()
    return guid, issued.token
