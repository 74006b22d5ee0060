"""Rows for coordinator tests, made through the services where one exists."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from shuttersense.common.protocol import result_signature
from shuttersense.common.results import FilesByFolder, PhotoStatsResult
from shuttersense.coordinator.models import AuditEvent, Team
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


PASSWORD = "correct horse battery"


@contextmanager
def db(url: str) -> Iterator[Session]:
    """A session on the test database, its engine disposed afterwards."""
    engine = create_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session
    finally:
        engine.dispose()


def signed_in(client: TestClient, url: str, email: str, team: str) -> dict[str, str]:
    """A user of `team` (its admin when first, else a member), signed in through the real login;
    returns bearer headers of an API token made in that session."""
    with db(url) as session:
        create_user(session, email, PASSWORD, team=team)
    client.cookies.clear()
    login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    made = client.post("/api/auth/tokens", json={"name": "tests"})
    assert made.status_code == 201, made.text
    client.cookies.clear()  # from here on every call says who it is
    return {"Authorization": f"Bearer {made.json()['token']}"}


def invalid(answer: Any) -> str:
    """The messages of a 422 answer ({"detail": [{"loc", "msg", "type"}, …]}), one a line."""
    assert answer.status_code == 422, answer.text
    return "\n".join(item["msg"] for item in answer.json()["detail"])


def audit_actions(url: str, target: str) -> list[str]:
    with db(url) as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.target == target)))


def photostats_result(total: int = 3) -> dict[str, Any]:
    """A small, valid PhotoStats result as the agent protocol carries it."""
    return PhotoStatsResult(
        total_files=total,
        total_size=30,
        file_counts={".cr3": total},
        storage_by_type={".cr3": 30},
        metadata_extensions=[".xmp"],
        paired_count=0,
        orphaned_images=FilesByFolder(count=1, by_folder={"": ["a.cr3"]}),
        orphaned_sidecars=FilesByFolder(count=0, by_folder={}),
    ).model_dump(mode="json")


@dataclass(frozen=True)
class Teams:
    """API-token headers of a team's admin and member, and of another team's admin."""

    admin: dict[str, str]
    member: dict[str, str]
    outsider: dict[str, str]


def signed_completion(
    claim: dict[str, Any], result: dict[str, Any], state_hash: str, secret: str | None = None
) -> dict[str, Any]:
    """The body of an agent's `complete` for `claim`: the result signed with the claim's secret
    (or with `secret`, to forge a signature)."""
    signature = result_signature(
        secret or claim["claim_secret"], claim["job_guid"], state_hash, result
    )
    return {
        "claim_token": claim["claim_token"],
        "result": result,
        "input_state_hash": state_hash,
        "signature": signature,
    }
