"""The team's analysis config, `/api/config`: defaults, replace, validation, roles, tenants."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from shuttersense.common.config import TeamConfig
from shuttersense.coordinator.models import Team
from tests.coordinator.factories import Teams, audit_actions, db

API = "/api/config"


def test_defaults_when_none_stored(client: TestClient, teams: Teams) -> None:
    answer = client.get(API, headers=teams.member)
    assert answer.status_code == 200
    assert answer.json() == TeamConfig().model_dump(mode="json")


def test_put_replaces_and_is_team_scoped(client: TestClient, db_url: str, teams: Teams) -> None:
    body = {
        "photo_extensions": ["CR3", ".DNG"],
        "cameras": {"AB3D": "Canon R5"},
        "processing_methods": {"DxO": "DxO PureRAW"},
    }
    put = client.put(API, json=body, headers=teams.admin)
    assert put.status_code == 200, put.text
    stored = put.json()
    assert stored["photo_extensions"] == [".cr3", ".dng"]
    assert stored["camera_mappings"] == {"AB3D": [{"name": "Canon R5"}]}
    assert stored["require_sidecar"] == list(TeamConfig().require_sidecar)
    assert client.get(API, headers=teams.member).json() == stored
    assert client.get(API, headers=teams.outsider).json() == TeamConfig().model_dump(mode="json")
    again = client.put(API, json={"processing_methods": {}}, headers=teams.admin)
    assert again.json()["camera_mappings"] == {}

    with db(db_url) as session:
        team = session.scalar(select(Team.guid).where(Team.name == "Studio"))
    assert audit_actions(db_url, str(team)) == ["config.updated", "config.updated"]


def test_put_validation_names_the_problem(client: TestClient, teams: Teams) -> None:
    unknown = client.put(API, json={"colour": "red"}, headers=teams.admin)
    assert unknown.status_code == 422 and "colour" in unknown.text
    bad = client.put(API, json={"processing_methods": {"DxO": 3}}, headers=teams.admin)
    assert bad.status_code == 422 and "processing_methods" in bad.text
    nul = client.put(API, json={"processing_methods": {"DxO": "a\u0000b"}}, headers=teams.admin)
    assert nul.status_code == 422
    assert client.get(API, headers=teams.admin).json() == TeamConfig().model_dump(mode="json")


def test_roles_and_sign_in(client: TestClient, teams: Teams) -> None:
    assert client.put(API, json={}, headers=teams.member).status_code == 403
    assert client.get(API).status_code == 401
    assert client.put(API, json={}).status_code == 401
