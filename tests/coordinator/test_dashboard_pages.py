"""What the dashboard's pages show and do (both databases): hostile names stay text, admins'
pages are refused to members, and the forms run tools, cancel and retry jobs, issue a
registration token with the command that uses it, manage users and API tokens, and keep the
notification choices."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from shuttersense.coordinator.models import Collection
from tests.coordinator.dashboard_rig import csrf_of, sign_in, submit
from tests.coordinator.factories import (
    PASSWORD,
    Teams,
    db,
    photostats_result,
    signed_completion,
)
from tests.coordinator.tenants import AGENT_API, claim_job, enrol_agent, run_tool
from tests.coordinator.test_jobs_api import add_collection
from tests.helpers.samples import PIPELINE

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'
HOSTILE = (SCRIPT, IMAGE)


@dataclass(frozen=True)
class Hostile:
    collection: str
    result: str
    job: str


@pytest.fixture
def hostile(client: TestClient, teams: Teams) -> Hostile:
    """Every name the team can choose made hostile: team, agent, collection and its folder,
    pipeline, API token, a job's failure and a result's file names."""
    admin = teams.admin
    assert client.patch("/api/team", headers=admin, json={"name": f"Team {SCRIPT}"}).is_success
    agent_guid, agent = enrol_agent(client, admin, f"agent {IMAGE}", "/photos")
    made = {"name": f"Shoot {SCRIPT}", "root_path": f"/photos/{IMAGE}", "agent": agent_guid}
    collection = client.post("/api/collections", headers=admin, json=made).json()["guid"]
    flow = {"name": f"flow {IMAGE}", "definition": PIPELINE}
    pipeline = client.post("/api/pipelines", headers=admin, json=flow).json()["guid"]
    assigned = {"pipeline": pipeline}
    assert client.put(f"/api/collections/{collection}/pipeline", headers=admin, json=assigned)
    assert client.post("/api/auth/tokens", headers=admin, json={"name": SCRIPT}).is_success
    run_tool(client, admin, collection)
    claim = claim_job(client, agent)
    result = photostats_result()
    result["orphaned_images"]["by_folder"] = {IMAGE: [f"{SCRIPT}.cr3"]}
    body = signed_completion(claim, result, "d" * 64)
    done = client.post(f"{AGENT_API}/jobs/{claim['job_guid']}/complete", headers=agent, json=body)
    assert done.status_code == 200, done.text
    run_tool(client, admin, collection, "photo_pairing")
    failing = claim_job(client, agent)
    failed = client.post(
        f"{AGENT_API}/jobs/{failing['job_guid']}/fail",
        headers=agent,
        json={"claim_token": failing["claim_token"], "error": IMAGE, "retryable": False},
    )
    assert failed.status_code == 200, failed.text
    return Hostile(collection, done.json()["result_guid"], failing["job_guid"])


def test_hostile_names_are_shown_as_text_on_every_page(
    client: TestClient, teams: Teams, hostile: Hostile
) -> None:
    sign_in(client, "admin@studio.example", PASSWORD)
    paths = [
        "/",
        "/collections",
        f"/collections/{hostile.collection}",
        f"/results/{hostile.result}",
        "/jobs",
        f"/jobs?collection={hostile.collection}",
        "/settings/agents",
        "/settings/users",
        "/settings/tokens",
        "/settings/notifications",
    ]
    shown = ""
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, f"{path}: {page.status_code}"
        for raw in HOSTILE:
            assert raw not in page.text, f"{path} shows {raw!r} as markup"
        shown += page.text
    collection = client.get(f"/collections/{hostile.collection}").text
    assert collection.count('<figure class="chart line">') == 2  # PhotoStats' two trends
    assert "Orphaned files (PhotoStats)" in collection
    for escaped in ("Team &lt;script&gt;", "Shoot &lt;script&gt;alert(1)&lt;/script&gt;"):
        assert escaped in shown
    for named in ("agent ", "/photos/", "flow ", ""):  # agent, folder, pipeline, failure
        assert f"{named}&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in shown
    report = client.get(f"/api/results/{hostile.result}/report")
    policy = report.headers["content-security-policy"]
    assert SCRIPT not in report.text and "default-src 'none'" in policy
    assert "script-src" not in policy and "frame-ancestors 'self'" in policy


def test_members_are_refused_the_admins_pages(client: TestClient, teams: Teams) -> None:
    sign_in(client, "member@studio.example", PASSWORD)
    for path in ("/settings/agents", "/settings/users"):
        page = client.get(path)
        assert page.status_code == 403 and "only an admin" in page.text, path
    assert client.get("/settings", follow_redirects=False).headers["location"] == "/settings/tokens"
    assert 'href="/settings/agents"' not in client.get("/settings/tokens").text


def test_a_registration_token_comes_with_the_command_that_uses_it(
    client: TestClient, teams: Teams
) -> None:
    sign_in(client, "admin@studio.example", PASSWORD)
    page = client.get("/settings/agents")
    made = submit(
        client,
        "/settings/agents/registration-tokens",
        {"name": "Studio Mac's agent", "expires_hours": "1"},
        csrf_of(page),
    )
    assert made.status_code == 200
    token = re.search(r'id="issued-token">(art_[^<]+)<', made.text)
    command = re.search(r'id="issued-command">([^<]+)<', made.text)
    assert token and command
    words = shlex.split(command.group(1).replace("&#39;", "'").replace("&#34;", '"'))
    assert words == [
        "shuttersense-agent",
        "register",
        "--server",
        "http://testserver",
        "--token",
        token.group(1),
        "--name",
        "Studio Mac's agent",
    ]
    again = client.get("/settings/agents")
    assert token.group(1) not in again.text  # shown once
    enrolled = client.post(
        f"{AGENT_API}/register",
        json={"registration_token": token.group(1), "name": "studio-mac", "hostname": "mac"},
    )
    assert enrolled.status_code == 201, enrolled.text


def test_the_forms_run_cancel_and_retry_jobs(client: TestClient, teams: Teams) -> None:
    agent_guid, agent = enrol_agent(client, teams.admin, "studio-agent", "/photos")
    made = {"name": "Weddings", "root_path": "/photos/weddings", "agent": agent_guid}
    collection = client.post("/api/collections", headers=teams.admin, json=made).json()["guid"]
    sign_in(client, "member@studio.example", PASSWORD)
    page = client.get(f"/collections/{collection}")
    assert "Run PhotoStats" in page.text
    token = csrf_of(page)
    ran = submit(client, f"/collections/{collection}/run", {"tool": "photostats"}, token)
    assert ran.status_code == 303 and ran.headers["location"].endswith("?notice=queued#jobs")
    [job] = client.get("/api/jobs", headers=teams.member).json()
    assert job["status"] == "queued" and job["tool"] == "photostats"
    back = {"back": f"/collections/{collection}"}
    cancelled = submit(client, f"/jobs/{job['guid']}/cancel", back, token)
    assert cancelled.headers["location"] == f"/collections/{collection}?notice=cancelled"
    assert client.get(f"/api/jobs/{job['guid']}", headers=teams.member).json()["status"] == (
        "cancelled"
    )
    retried = submit(client, f"/jobs/{job['guid']}/retry", {"back": "//evil.example/x"}, token)
    assert retried.headers["location"] == "/jobs?notice=retried"  # never another site
    assert "The job is queued again." in client.get(retried.headers["location"]).text
    statuses = sorted(j["status"] for j in client.get("/api/jobs", headers=teams.member).json())
    assert statuses == ["cancelled", "queued"]
    assert claim_job(client, agent)["job_guid"] != job["guid"]
    failed_only = client.get("/jobs?status=cancelled").text
    assert failed_only.count("data-job=") == 1


def test_a_collection_page_says_only_what_its_analyses_told(
    client: TestClient, teams: Teams, db_url: str
) -> None:
    collection = add_collection(db_url, "admin@studio.example", "Weddings", "/photos/weddings")
    sign_in(client, "member@studio.example", PASSWORD)
    facts = re.compile(r'<p class="muted small" data-live-part="numbers">(.*?)</p>')
    assert facts.findall(client.get(f"/collections/{collection}").text)[0] == (
        "not analysed yet · no pipeline"
    )
    with db(db_url) as session:  # what a PhotoStats result leaves (collection_stats)
        session.execute(
            update(Collection)
            .where(Collection.guid == collection)
            .values(file_count=2250, storage_bytes=603)
        )
        session.commit()
    shown = facts.findall(client.get(f"/collections/{collection}").text)[0]
    assert shown == "2,250 files · 603.00 B · no pipeline"  # no dashes for what is unknown


def test_users_tokens_and_notification_choices(client: TestClient, teams: Teams) -> None:
    sign_in(client, "admin@studio.example", PASSWORD)
    token = csrf_of(client.get("/settings/users"))
    added = {"email": "new@studio.example", "password": "long enough pw", "role": "member"}
    assert submit(client, "/settings/users", added, token).status_code == 303
    users = {u["email"]: u for u in client.get("/api/users", headers=teams.admin).json()}
    assert users["new@studio.example"]["role"] == "member"
    guid = users["new@studio.example"]["guid"]
    changed = submit(client, f"/settings/users/{guid}", {"role": "admin", "active": "no"}, token)
    assert changed.status_code == 303
    user = next(
        u for u in client.get("/api/users", headers=teams.admin).json() if u["guid"] == guid
    )
    assert user["role"] == "admin" and user["is_active"] is False

    issued = submit(client, "/settings/tokens", {"name": "backup", "expires_days": "30"}, token)
    jwt = re.search(r'id="issued-token">([^<]+)<', issued.text)
    assert issued.status_code == 200 and jwt
    script = {"Authorization": f"Bearer {jwt.group(1)}"}
    assert client.get("/api/auth/me", headers=script).status_code == 200
    mine = client.get("/api/auth/tokens", headers=script).json()
    backup = next(t for t in mine if t["name"] == "backup")
    revoked = submit(client, f"/settings/tokens/{backup['guid']}/revoke", {}, token)
    assert revoked.status_code == 303
    assert client.get("/api/auth/me", headers=script).status_code == 401

    saved = submit(client, "/settings/notifications", {"results_ready": "on"}, token)
    assert saved.status_code == 303
    assert client.get("/api/push/preferences", headers=teams.admin).json() == {
        "job_failed": False,
        "results_ready": True,
        "agent_offline": False,
        "collection_worse": False,
    }
    page = client.get("/settings/notifications").text
    assert re.search(r'name="results_ready" value="on" checked', page)
    assert not re.search(r'name="job_failed" value="on" checked', page)
