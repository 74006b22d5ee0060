"""The user API for results, `/api/results`: list, read, report, export, isolation (both DBs)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shuttersense.common.results import (
    FilesByFolder,
    InvalidNames,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
    Status,
    TerminationPattern,
    ToolResult,
    ValidationIssue,
    result_counts,
)
from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import Collection, Result
from tests.coordinator.test_jobs_api import add_collection, db, signed_in

HOSTILE = "<script>alert(1)</script>.cr3"
START = datetime(2026, 1, 1, tzinfo=UTC)


def photostats() -> PhotoStatsResult:
    return PhotoStatsResult(
        total_files=4,
        total_size=400,
        file_counts={".cr3": 3, ".xmp": 1},
        storage_by_type={".cr3": 300, ".xmp": 100},
        metadata_extensions=[".xmp"],
        paired_count=1,
        orphaned_images=FilesByFolder(
            count=2, by_folder={"": [HOSTILE], "2024": ["=cmd|calc.cr3"]}
        ),
        orphaned_sidecars=FilesByFolder(count=1, by_folder={"": ["lost.xmp"]}),
    )


def pairing() -> PhotoPairingResult:
    return PhotoPairingResult(
        group_count=1,
        image_count=1,
        file_count=2,
        camera_usage={"AB3D": 1},
        method_usage={},
        cameras={"AB3D": {}},
        invalid_file_count=1,
        invalid_names=[
            InvalidNames(reason="no camera id, too short", count=1, by_folder={"a": ["x.cr3"]})
        ],
    )


def validation() -> PipelineValidationResult:
    issue = ValidationIssue(
        status=Status.INCONSISTENT,
        patterns=[
            TerminationPattern(
                termination="Archive",
                status=Status.PARTIAL,
                expected=[".cr3", ".xmp"],
                missing=[".xmp"],
                extra=[],
                completion=50.0,
            ),
            TerminationPattern(
                termination="Web",
                status=Status.INCONSISTENT,
                expected=[".jpg"],
                missing=[".jpg"],
                extra=["-HDR.cr3", ".cr3"],
                completion=0.0,
            ),
        ],
        image_count=2,
        images={"2024": ["AB3D0001", "AB3D0002"]},
    )
    return PipelineValidationResult(
        pipeline_name="Standard",
        total_files=1,
        total_images=1,
        total_groups=1,
        invalid_files_count=0,
        status_counts={"partial": 1},
        overall_status={"CONSISTENT": 0, "PARTIAL": 1, "INCONSISTENT": 0},
        by_termination={},
        archival_ready_count=0,
        path_stats=[],
        issues=[issue],
    )


def store(url: str, collection: str, result: ToolResult, *, age: int = 0, **extra: object) -> str:
    """Insert a Result row for `result` (a `common` model), `age` minutes old."""
    files, issues = result_counts(result)
    with db(url) as session:
        target = session.scalar(select(Collection).where(Collection.guid == collection))
        row = Result(
            guid=new_guid("res"),
            team_id=target.team_id,
            collection_id=target.id,
            tool=result.tool.value,
            status="COMPLETED",
            results_json=result.model_dump(mode="json"),
            input_state_hash="b" * 64,
            files_scanned=files,
            issues_found=issues,
            created_at=START + timedelta(hours=1) - timedelta(minutes=age),
        )
        for key, value in extra.items():
            setattr(row, key, value)
        session.add(row)
        session.commit()
        return row.guid


@pytest.fixture
def studio(client: TestClient, db_url: str) -> tuple[dict[str, str], str]:
    headers = signed_in(client, db_url, "member@studio.example", "Studio")
    return headers, add_collection(db_url, "member@studio.example", root="/Volumes/Shoots/2026")


def test_list_newest_first_and_filters(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    other = add_collection(db_url, "member@studio.example", name="Other", root="/other")
    old = store(db_url, collection, photostats(), age=30)
    mid = store(db_url, other, pairing(), age=20)
    new = store(db_url, collection, validation(), age=10)
    listed = client.get("/api/results", headers=headers).json()
    assert [r["guid"] for r in listed] == [new, mid, old]
    assert listed[2] == {
        "guid": old,
        "tool": "photostats",
        "status": "COMPLETED",
        "collection": collection,
        "files_scanned": 4,
        "issues_found": 3,
        "input_state_hash": "b" * 64,
        "no_change_copy": False,
        "error": None,
        "created_at": listed[2]["created_at"],
    }
    assert listed[2]["created_at"].startswith("2026-01-01T00:30:00")
    by_collection = client.get("/api/results", params={"collection": collection}, headers=headers)
    assert [r["guid"] for r in by_collection.json()] == [new, old]
    by_tool = client.get("/api/results", params={"tool": "photo_pairing"}, headers=headers)
    assert [r["guid"] for r in by_tool.json()] == [mid]
    assert client.get("/api/results", params={"tool": "x"}, headers=headers).status_code == 422


def test_get_a_result_with_its_json(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    guid = store(db_url, collection, photostats())
    body = client.get(f"/api/results/{guid}", headers=headers).json()
    assert body["guid"] == guid and body["results"] == photostats().model_dump(mode="json")
    assert client.get(f"/api/results/{new_guid('res')}", headers=headers).status_code == 404


def test_report_is_rendered_and_escaped(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    guid = store(db_url, collection, photostats())
    answer = client.get(f"/api/results/{guid}/report", headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert "/Volumes/Shoots/2026" in page and "PhotoStats" in page
    assert "<title>Weddings · ShutterSense report</title>" in page  # the collection, named
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.cr3" in page
    assert "<script" not in page


def test_a_no_change_copy_renders_its_source(
    client: TestClient, db_url: str, studio: tuple
) -> None:
    headers, collection = studio
    source = photostats().model_dump(mode="json")
    copied = {**source, "_server_side_no_change": True, "_detection_timestamp": "2026-01-01"}
    guid = store(
        db_url,
        collection,
        photostats(),
        status="NO_CHANGE",
        no_change_copy=True,
        results_json=copied,
    )
    answer = client.get(f"/api/results/{guid}/report", headers=headers)
    assert answer.status_code == 200 and "lost.xmp" in answer.text
    listed = client.get("/api/results", headers=headers).json()
    assert listed[0]["no_change_copy"] is True and listed[0]["status"] == "NO_CHANGE"


@pytest.mark.parametrize("status", ["FAILED", "CANCELLED"])
def test_a_failed_result_has_no_report(
    client: TestClient, db_url: str, studio: tuple, status: str
) -> None:
    headers, collection = studio
    guid = store(db_url, collection, photostats(), status=status, results_json={"error": "boom"})
    shown = client.get(f"/api/results/{guid}", headers=headers).json()
    assert (shown["status"], shown["error"]) == (status, "boom")
    for path in ["report", "export?format=csv", "export?format=json"]:
        answer = client.get(f"/api/results/{guid}/{path}", headers=headers)
        assert answer.status_code == 409, path
        assert f"a {status} result has nothing to show" in answer.json()["detail"]


def test_export_json_as_stored(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    guid = store(db_url, collection, pairing())
    answer = client.get(f"/api/results/{guid}/export", params={"format": "json"}, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="{guid}-photo_pairing.json"'
    )
    assert answer.json() == pairing().model_dump(mode="json")
    bad = client.get(f"/api/results/{guid}/export", params={"format": "xml"}, headers=headers)
    assert bad.status_code == 422


def rows(answer: httpx.Response) -> list[list[str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(answer.text)))


def test_export_csv_per_tool(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    stats = store(db_url, collection, photostats())
    assert rows(client.get(f"/api/results/{stats}/export?format=csv", headers=headers)) == [
        ["kind", "folder", "file"],
        ["orphaned_image", "", HOSTILE],
        ["orphaned_image", "2024", "'=cmd|calc.cr3"],  # a formula would run in a spreadsheet
        ["orphaned_sidecar", "", "lost.xmp"],
    ]
    pairs = store(db_url, collection, pairing())
    assert rows(client.get(f"/api/results/{pairs}/export?format=csv", headers=headers)) == [
        ["reason", "folder", "file"],
        ["no camera id, too short", "a", "x.cr3"],
    ]
    checked = store(db_url, collection, validation())
    # One row per image and termination pattern, the image's overall status first.
    assert rows(client.get(f"/api/results/{checked}/export?format=csv", headers=headers)) == [
        VALIDATION_CSV_HEADER,
        ["INCONSISTENT", "Archive", "PARTIAL", ".xmp", "", "2024", "AB3D0001"],
        ["INCONSISTENT", "Archive", "PARTIAL", ".xmp", "", "2024", "AB3D0002"],
        ["INCONSISTENT", "Web", "INCONSISTENT", ".jpg", "'-HDR.cr3 .cr3", "2024", "AB3D0001"],
        ["INCONSISTENT", "Web", "INCONSISTENT", ".jpg", "'-HDR.cr3 .cr3", "2024", "AB3D0002"],
    ]


VALIDATION_CSV_HEADER = [
    "status",
    "termination",
    "termination_status",
    "missing",
    "extra",
    "folder",
    "image",
]


def _schema_2_validation() -> dict[str, object]:
    """A Pipeline Validation result as schema 2 stored it: an image in one issue per
    termination it does not finish (AB3D0001 in both, a run of three in one)."""
    fields = validation().model_dump(mode="json")

    def issue(term: str, missing: list[str], images: dict[str, list[object]]) -> dict[str, object]:
        return {
            "termination": term,
            "status": "PARTIAL",
            "expected": [".cr3", ".xmp", *missing],
            "missing": missing,
            "extra": [],
            "completion": 50.0,
            "image_count": sum(len(names) for names in images.values()),
            "images": images,
        }

    fields["issues"] = [
        issue("Archive", [".xmp"], {"2024": ["AB3D0001"], "2025": [["AB3D0005", "AB3D0007"]]}),
        issue("Web", [".jpg"], {"2024": ["AB3D0001"]}),
    ]
    return {**fields, "schema_version": 2}


def test_a_stored_schema_2_result_is_read_as_schema_3(
    client: TestClient, db_url: str, studio: tuple
) -> None:
    headers, collection = studio
    guid = store(db_url, collection, validation(), results_json=_schema_2_validation())
    assert rows(client.get(f"/api/results/{guid}/export?format=csv", headers=headers)) == [
        VALIDATION_CSV_HEADER,
        ["PARTIAL", "Archive", "PARTIAL", ".xmp", "", "2025", "AB3D0005"],
        ["PARTIAL", "Archive", "PARTIAL", ".xmp", "", "2025", "AB3D0006"],
        ["PARTIAL", "Archive", "PARTIAL", ".xmp", "", "2025", "AB3D0007"],
        ["PARTIAL", "Archive", "PARTIAL", ".xmp", "", "2024", "AB3D0001"],
        ["PARTIAL", "Web", "PARTIAL", ".jpg", "", "2024", "AB3D0001"],
    ]
    page = client.get(f"/api/results/{guid}/report", headers=headers).text
    assert "image missing <code>.xmp</code> for Archive; missing <code>.jpg</code> for Web" in page
    assert "result schema v3" in page


def test_another_team_sees_nothing(client: TestClient, db_url: str, studio: tuple) -> None:
    _, collection = studio
    guid = store(db_url, collection, photostats())
    rival = signed_in(client, db_url, "boss@rival.example", "Rival")
    assert client.get("/api/results", headers=rival).json() == []
    for path in [
        f"/api/results?collection={collection}",
        f"/api/results/{guid}",
        f"/api/results/{guid}/report",
        f"/api/results/{guid}/export?format=json",
        f"/api/results/{guid}/export?format=csv",
    ]:
        assert client.get(path, headers=rival).status_code == 404, path


def test_every_route_needs_a_user(client: TestClient, db_url: str, studio: tuple) -> None:
    _, collection = studio
    guid = store(db_url, collection, photostats())
    client.cookies.clear()
    for path in [
        "/api/results",
        f"/api/results/{guid}",
        f"/api/results/{guid}/report",
        f"/api/results/{guid}/export?format=csv",
    ]:
        assert client.get(path).status_code == 401, path
