"""An audit rig for coordinator tests: a team with an agent, a collection and a default
pipeline, and real results of the three tools to deliver."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from shuttersense.common.analysis import run_analysis
from shuttersense.common.analysis_request import AnalysisRequest
from shuttersense.common.pipeline import checked_pipeline
from shuttersense.common.protocol import result_signature
from shuttersense.common.results import AnalysisDocument
from shuttersense.coordinator.services.accounts import find_team
from shuttersense.coordinator.services.registration import create_registration_token
from tests.coordinator.factories import db, signed_in
from tests.helpers.samples import FAMILY, PIPELINE

__all__ = ["AGENT_API", "TOOLS", "Studio", "analysed_tree", "complete", "write_tree"]

AGENT_API = "/api/agent/v1"
TOOLS = ["photostats", "photo_pairing", "pipeline_validation"]


def write_tree(root: Path) -> Path:
    for name, content in FAMILY.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else b"\0" * content)
    return root


class Studio:
    """Team Studio: its admin (user API), an agent (protocol) and a collection bound to it, with
    a default pipeline."""

    def __init__(self, client: TestClient, db_url: str) -> None:
        self.client = client
        self.admin = signed_in(client, db_url, "admin@studio.example", "Studio")
        with db(db_url) as session:
            token = create_registration_token(session, find_team(session, "Studio")).token
            session.commit()
        body = {"registration_token": token, "name": "desk", "authorized_roots": ["/photos"]}
        enrolled = client.post(f"{AGENT_API}/register", json=body)
        assert enrolled.status_code == 201, enrolled.text
        self.agent = {"Authorization": f"Bearer {enrolled.json()['agent_key']}"}
        made = {"name": "Shoot", "root_path": "/photos/shoot"}
        self.collection = self.ok(
            client.post(f"{AGENT_API}/collections", json=made, headers=self.agent), 201
        )["guid"]
        pipeline = self.ok(
            client.post(
                "/api/pipelines", json={"name": "Flow", "definition": PIPELINE}, headers=self.admin
            ),
            201,
        )["guid"]
        self.ok(client.post(f"/api/pipelines/{pipeline}/default", headers=self.admin))

    @staticmethod
    def ok(answer: Any, status: int = 200) -> Any:
        assert answer.status_code == status, answer.text
        return answer.json()

    def queue(self, status: int = 201, **body: Any) -> dict[str, Any]:
        url = f"/api/collections/{self.collection}/audits"
        return self.ok(self.client.post(url, json=body, headers=self.admin), status)

    def claim(self) -> dict[str, Any] | None:
        answer = self.client.post(
            f"{AGENT_API}/audits/claim", params={"wait": 0}, headers=self.agent
        )
        return None if answer.status_code == 204 else self.ok(answer)

    def deliver(
        self, claim: dict[str, Any], outcomes: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        body = {"claim_token": claim["claim_token"], "outcomes": outcomes}
        url = f"{AGENT_API}/audits/{claim['audit_guid']}/complete"
        return self.ok(self.client.post(url, json=body, headers=self.agent))["outcomes"]

    def job(self, guid: str) -> dict[str, Any]:
        return self.ok(self.client.get(f"/api/jobs/{guid}", headers=self.admin))


def analysed_tree(root: Path) -> AnalysisDocument:
    """Real results of the three tools on a sample tree written at `root`, as an agent would
    make them."""
    return run_analysis(AnalysisRequest(root=write_tree(root), pipeline=checked_pipeline(PIPELINE)))


def complete(
    claim: dict[str, Any], job: dict[str, Any], analysed: AnalysisDocument
) -> dict[str, Any]:
    result = analysed.results[job["tool"]].model_dump(mode="json")
    state_hash = analysed.tool_hashes[job["tool"]]
    return {
        "kind": "complete",
        "job_guid": job["job_guid"],
        "result": result,
        "input_state_hash": state_hash,
        "signature": result_signature(claim["claim_secret"], job["job_guid"], state_hash, result),
    }
