"""`GET /api/collections/{guid}/report` (SQLite and PostgreSQL): the newest result of each tool
of a collection in one report, escaped, with the report's security headers; 409 before any
result, 404 for another team's collection."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from shuttersense.common.results import AnalysisDocument
from shuttersense.coordinator.models import Collection
from tests.coordinator.audit_rig import Studio, analysed_tree, complete
from tests.coordinator.factories import db, signed_in


@pytest.fixture
def studio(client: TestClient, db_url: str) -> Studio:
    return Studio(client, db_url)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> AnalysisDocument:
    return analysed_tree(tmp_path_factory.mktemp("tree") / "photos")


def report_url(studio: Studio) -> str:
    return f"/api/collections/{studio.collection}/report"


def audit(studio: Studio, analysed: AnalysisDocument) -> None:
    studio.queue()
    claim = studio.claim()
    assert claim is not None
    studio.deliver(claim, [complete(claim, job, analysed) for job in claim["jobs"]])


def test_a_collection_without_a_result_has_no_report_yet(studio: Studio) -> None:
    answer = studio.client.get(report_url(studio), headers=studio.admin)
    assert answer.status_code == 409
    assert "no completed result yet" in answer.json()["detail"]
    assert "/audits" in answer.json()["detail"]  # what to do next


def test_the_report_holds_the_newest_result_of_each_tool(
    studio: Studio, analysed: AnalysisDocument
) -> None:
    audit(studio, analysed)
    answer = studio.client.get(report_url(studio), headers=studio.admin)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    page = answer.text
    assert page.startswith("<!DOCTYPE html>")
    for title in ("PhotoStats", "Photo Pairing", "Pipeline Validation"):
        assert title in page
    assert "Shoot" in page and "/photos/shoot" in page  # the collection's name and path
    assert analysed.results["pipeline_validation"].pipeline_name in page
    assert "AB3D0003.xmp" in page  # PhotoStats' orphaned sidecar
    assert "IMG_0004.CR3" in page


def test_a_newer_result_of_one_tool_replaces_only_that_tool_s(
    studio: Studio, analysed: AnalysisDocument
) -> None:
    audit(studio, analysed)
    studio.queue(tools=["photostats"])
    claim = studio.claim()
    assert claim is not None
    newer = analysed.model_copy(deep=True)
    newer.results["photostats"].orphaned_sidecars.by_folder = {"2025": ["ZZ9Z0042.xmp"]}
    studio.deliver(claim, [complete(claim, claim["jobs"][0], newer)])
    page = studio.client.get(report_url(studio), headers=studio.admin).text
    assert "ZZ9Z0042.xmp" in page and "AB3D0003.xmp" not in page
    assert "IMG_0004.CR3" in page  # Photo Pairing's, from the first audit


def test_names_are_escaped(studio: Studio, analysed: AnalysisDocument, db_url: str) -> None:
    with db(db_url) as session:
        session.execute(
            update(Collection)
            .where(Collection.guid == studio.collection)
            .values(name="<script>alert(1)</script>", root_path="/photos/<b>x</b>")
        )
        session.commit()
    audit(studio, analysed)
    page = studio.client.get(report_url(studio), headers=studio.admin).text
    assert "<script>alert" not in page and "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_another_team_s_collection_is_404(
    studio: Studio, analysed: AnalysisDocument, client: TestClient, db_url: str
) -> None:
    audit(studio, analysed)
    other = signed_in(client, db_url, "admin@other.example", "Other")
    answer = client.get(report_url(studio), headers=other)
    assert answer.status_code == 404
    assert "Shoot" not in answer.text


def test_the_report_goes_out_gzip_compressed_to_a_client_that_accepts_it(
    studio: Studio, analysed: AnalysisDocument
) -> None:
    audit(studio, analysed)
    packed = studio.client.get(
        report_url(studio), headers={**studio.admin, "Accept-Encoding": "gzip"}
    )
    assert packed.headers["content-encoding"] == "gzip"
    plain = studio.client.get(
        report_url(studio), headers={**studio.admin, "Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    assert packed.text == plain.text  # the client inflated it
    assert int(packed.headers["content-length"]) < len(plain.content) / 3


def test_the_openapi_document_describes_the_report_and_the_audit_routes(
    client: TestClient,
) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    report = paths["/api/collections/{guid}/report"]["get"]
    assert {"200", "404", "409"} <= set(report["responses"])
    assert "text/html" in report["responses"]["200"]["content"]
    assert "post" in paths["/api/collections/{guid}/audits"]
    assert "post" in paths["/api/agent/v1/audits/claim"]
    complete = paths["/api/agent/v1/audits/{guid}/complete"]["post"]
    assert "otherwise than with gzip" in complete["responses"]["415"]["description"]
    assert "inflates" in complete["responses"]["413"]["description"]
