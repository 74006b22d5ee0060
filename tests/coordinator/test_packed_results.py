"""Results whose JSON is larger than PACK_ABOVE are stored gzip-compressed and read back as
they were, by every service (both databases); migration 0010 packs the rows already there and a
downgrade unpacks them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from shuttersense.common.results import AnalysisDocument, FilesByFolder
from shuttersense.coordinator.db import make_engine, make_session_factory
from shuttersense.coordinator.migrate import downgrade, upgrade
from shuttersense.coordinator.models import Result
from shuttersense.coordinator.models.packed_json import PACK_ABOVE, PACKED_KEY
from tests.coordinator.audit_rig import Studio, analysed_tree, complete


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> AnalysisDocument:
    return analysed_tree(tmp_path_factory.mktemp("tree") / "photos")


def big(analysed: AnalysisDocument) -> AnalysisDocument:
    """The sample's results with a PhotoStats result of about 600 KiB of JSON."""
    grown = analysed.model_copy(deep=True)
    orphans = {f"2024/shoot-{n:05d}": [f"AB3D{n % 10000:04d}.CR3"] for n in range(20000)}
    grown.results["photostats"].orphaned_images = FilesByFolder(count=20000, by_folder=orphans)
    return grown


def stored_text(url: str, guid: str) -> str:
    """The results_json of result `guid` as the database holds it."""
    engine = create_engine(url)
    cast = "results_json::text" if engine.dialect.name == "postgresql" else "results_json"
    with engine.connect() as connection:
        found = connection.execute(
            text(f"SELECT {cast} FROM results WHERE guid = :guid"),  # noqa: S608
            {"guid": guid},
        ).scalar_one()
    engine.dispose()
    return found if isinstance(found, str) else json.dumps(found)


def test_a_large_result_is_stored_packed_and_every_service_reads_it_whole(
    client: TestClient, db_url: str, analysed: AnalysisDocument
) -> None:
    studio = Studio(client, db_url)
    document = big(analysed)
    studio.queue(tools=["photostats", "photo_pairing"])
    claim = studio.claim()
    assert claim is not None
    answers = studio.deliver(claim, [complete(claim, job, document) for job in claim["jobs"]])
    large, small = (answer["result_guid"] for answer in answers)
    expected = document.results["photostats"].model_dump(mode="json")
    assert len(json.dumps(expected)) > 2 * PACK_ABOVE

    raw = stored_text(db_url, large)
    assert PACKED_KEY in raw and len(raw) < len(json.dumps(expected)) / 3
    assert PACKED_KEY not in stored_text(db_url, small)  # small results stay plain JSON

    detail = studio.ok(client.get(f"/api/results/{large}", headers=studio.admin))
    assert detail["results"] == expected
    exported = studio.ok(client.get(f"/api/results/{large}/export", headers=studio.admin))
    assert exported == expected
    report = client.get(f"/api/results/{large}/report", headers=studio.admin)
    assert report.status_code == 200 and "AB3D0042.CR3" in report.text

    # A NO_CHANGE copy of it is made inside the database: the same stored text, read whole.
    studio.queue(tools=["photostats"])
    again = studio.claim()
    assert again is not None
    [job] = again["jobs"]
    state = document.tool_hashes["photostats"]
    unchanged = {"input_state_hash": state, "source_result_guid": large}
    [copied] = studio.deliver(
        again, [{"kind": "no_change", "job_guid": job["job_guid"], **unchanged}]
    )
    copy = copied["result_guid"]
    assert copied["status"] == "no_change" and copy != large
    assert stored_text(db_url, copy) == raw
    detail = studio.ok(client.get(f"/api/results/{copy}", headers=studio.admin))
    assert detail["results"] == expected and detail["status"] == "NO_CHANGE"


_INSERT = (
    "INSERT INTO teams (guid, name, settings, created_at)"
    " VALUES ('ten_1', 'Studio', '{}', CURRENT_TIMESTAMP)",
    "INSERT INTO collections (guid, team_id, name, root_path, created_at)"
    " SELECT 'col_1', id, 'c', '/p', CURRENT_TIMESTAMP FROM teams",
)
_RESULT = (
    "INSERT INTO results (guid, team_id, collection_id, tool, status, results_json,"
    " no_change_copy, files_scanned, issues_found, created_at)"
    " SELECT :guid, team_id, id, 'photostats', 'COMPLETED', :json, false, 0, 0,"
    " CURRENT_TIMESTAMP FROM collections"
)


def _rows(url: str, values: dict[str, Any]) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in _INSERT:
            connection.execute(text(statement))
        for guid, value in values.items():
            connection.execute(text(_RESULT), {"guid": guid, "json": json.dumps(value)})
    engine.dispose()


def test_migration_0010_packs_the_large_results_there_are_and_a_downgrade_unpacks_them(
    empty_db_url: str, analysed: AnalysisDocument
) -> None:
    upgrade(empty_db_url, "0009")
    large = big(analysed).results["photostats"].model_dump(mode="json")
    small = analysed.results["photostats"].model_dump(mode="json")
    _rows(empty_db_url, {"res_large": large, "res_small": small})

    upgrade(empty_db_url)

    assert PACKED_KEY in stored_text(empty_db_url, "res_large")
    assert PACKED_KEY not in stored_text(empty_db_url, "res_small")
    engine = make_engine(empty_db_url)
    with make_session_factory(engine)() as session:
        read = {r.guid: r.results_json for r in session.query(Result).order_by(Result.guid)}
    engine.dispose()
    assert read == {"res_large": large, "res_small": small}

    downgrade(empty_db_url, "0009")
    assert json.loads(stored_text(empty_db_url, "res_large")) == large
