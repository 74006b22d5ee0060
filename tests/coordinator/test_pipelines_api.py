"""The user API for pipelines, `/api/pipelines`: create (valid or not), versions, validate,
import/export, preview, team default, size limits, roles and tenant isolation (both databases)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from shuttersense.coordinator.ids import new_guid
from tests.coordinator.factories import Teams, audit_actions, invalid
from tests.helpers.samples import PIPELINE

API = "/api/pipelines"

DEFINITION: dict[str, Any] = {"nodes": PIPELINE["nodes"], "edges": PIPELINE["edges"]}

# No Termination, a Pairing with one input and an edge to an unknown node.
BROKEN: dict[str, Any] = {
    "nodes": [
        DEFINITION["nodes"][0],
        {"id": "raw", "type": "file", "properties": {"extension": ".CR3"}},
        {"id": "both", "type": "pairing", "properties": {}},
    ],
    "edges": [
        {"from": "capture", "to": "raw"},
        {"from": "raw", "to": "both"},
        {"from": "raw", "to": "x"},
    ],
}


def create(
    client: TestClient, headers: dict[str, str], name: str = "RAW", definition: Any = None
) -> dict:
    body = {"name": name, "definition": DEFINITION if definition is None else definition}
    answer = client.post(API, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_create_valid_list_and_get(client: TestClient, db_url: str, teams: Teams) -> None:
    made = create(client, teams.member)
    assert made["guid"].startswith("pip_") and made["current_version"] == 1
    assert made["is_valid"] and made["is_active"] and not made["is_default"]
    assert made["errors"] == [] and made["definition"] == DEFINITION
    assert not {"id", "team_id"} & set(made)
    assert audit_actions(db_url, made["guid"]) == ["pipeline.created"]
    other = create(client, teams.admin, name="Albums")
    listed = client.get(API, headers=teams.member).json()
    assert [p["guid"] for p in listed] == [other["guid"], made["guid"]]
    got = client.get(f"{API}/{made['guid']}", headers=teams.member)
    assert got.status_code == 200 and got.json() == made
    assert client.get(f"{API}/{new_guid('pip')}", headers=teams.member).status_code == 404
    again = client.post(API, json={"name": "RAW", "definition": DEFINITION}, headers=teams.admin)
    assert again.status_code == 409


def test_invalid_is_stored_with_every_error(client: TestClient, teams: Teams) -> None:
    made = create(client, teams.member, definition=BROKEN)
    assert not made["is_valid"] and not made["is_active"]
    errors = " | ".join(made["errors"])
    assert "no Termination" in errors
    assert "Pairing node 'both' must have exactly 2 incoming edges, it has 1" in errors
    assert "'x' is not a node" in errors
    assert len(made["errors"]) == 3
    shapeless = create(client, teams.member, name="Shapeless", definition={"edges": []})
    assert shapeless["errors"] == ["the pipeline has no 'nodes' list"]


def test_update_makes_versions_and_invalid_edit_deactivates(
    client: TestClient, db_url: str, teams: Teams
) -> None:
    guid = create(client, teams.member)["guid"]
    changed = copy.deepcopy(DEFINITION)
    changed["nodes"][4]["properties"]["method_ids"] = ["DxO", "LR"]
    put = client.put(
        f"{API}/{guid}", json={"definition": changed, "description": "two"}, headers=teams.member
    )
    assert put.status_code == 200
    assert put.json()["current_version"] == 2 and put.json()["description"] == "two"
    broken = client.put(f"{API}/{guid}", json={"definition": BROKEN}, headers=teams.member).json()
    assert broken["current_version"] == 3 and broken["description"] == "two"
    assert not broken["is_valid"] and not broken["is_active"] and broken["errors"]
    fixed = client.put(f"{API}/{guid}", json={"definition": DEFINITION}, headers=teams.member)
    assert fixed.json()["is_active"] and fixed.json()["errors"] == []
    versions = client.get(f"{API}/{guid}/versions", headers=teams.member).json()
    assert [v["version"] for v in versions] == [1, 2, 3, 4]
    second = client.get(f"{API}/{guid}/versions/2", headers=teams.member)
    assert second.status_code == 200 and second.json()["definition"] == changed
    assert client.get(f"{API}/{guid}/versions/9", headers=teams.member).status_code == 404
    missing = client.put(f"{API}/{new_guid('pip')}", json={"definition": DEFINITION})
    assert missing.status_code == 401
    assert audit_actions(db_url, guid) == ["pipeline.created"] + ["pipeline.updated"] * 3


def test_validate_stores_nothing(client: TestClient, teams: Teams) -> None:
    good = client.post(f"{API}/validate", json={"definition": DEFINITION}, headers=teams.member)
    assert good.status_code == 200
    assert good.json() == {"is_valid": True, "errors": [], "warnings": [], "path_count": 1}
    bad = client.post(f"{API}/validate", json={"definition": BROKEN}, headers=teams.member).json()
    assert not bad["is_valid"] and len(bad["errors"]) == 3
    assert client.get(API, headers=teams.member).json() == []


def test_path_cap_is_an_error(client: TestClient, teams: Teams) -> None:
    """Fourteen two-way choices in a row: 16,384 paths, over the cap of 10,000."""
    nodes = [
        DEFINITION["nodes"][0],
        {"id": "raw", "type": "file", "properties": {"extension": ".CR3"}},
    ]
    edges = [{"from": "capture", "to": "raw"}]
    previous = "raw"
    for i in range(14):
        nodes.append({"id": f"p{i}", "type": "process", "properties": {"method_ids": ["A", "B"]}})
        edges.append({"from": previous, "to": f"p{i}"})
        previous = f"p{i}"
    nodes.append({"id": "end", "type": "termination", "properties": {}})
    edges.append({"from": previous, "to": "end"})
    body = {"definition": {"nodes": nodes, "edges": edges}}
    answer = client.post(f"{API}/validate", json=body, headers=teams.member).json()
    assert not answer["is_valid"] and answer["path_count"] == 16_384
    assert answer["errors"] == ["the pipeline has 16,384 paths, over the cap of 10,000"]


def test_oversize_is_refused(client: TestClient, teams: Teams) -> None:
    many = {"nodes": [{"id": f"n{i}", "type": "file"} for i in range(501)], "edges": []}
    for path in (API, f"{API}/validate"):
        body = {"name": "Big", "definition": many} if path == API else {"definition": many}
        assert client.post(path, json=body, headers=teams.member).status_code == 422
    padded = {**DEFINITION, "notes": "x" * (513 * 1024)}
    answer = client.post(API, json={"name": "Big", "definition": padded}, headers=teams.member)
    assert "512 KB" in invalid(answer)
    assert client.get(API, headers=teams.member).json() == []


def test_import_yaml_json_and_bad_yaml(client: TestClient, teams: Teams) -> None:
    text = yaml.safe_dump({"name": "From YAML", **DEFINITION})
    made = client.post(f"{API}/import", json={"text": text}, headers=teams.member)
    assert made.status_code == 201, made.text
    assert made.json()["name"] == "From YAML" and made.json()["definition"] == DEFINITION
    body = {"name": "From JSON", "text": json.dumps({"pipeline": DEFINITION})}
    made = client.post(f"{API}/import", json=body, headers=teams.member)
    assert made.status_code == 201 and made.json()["is_valid"]
    bad = client.post(
        f"{API}/import", json={"name": "X", "text": "nodes: [a, b"}, headers=teams.member
    )
    assert "line 1" in invalid(bad)
    scalar = client.post(f"{API}/import", json={"name": "X", "text": "42"}, headers=teams.member)
    assert scalar.status_code == 422
    nameless = client.post(
        f"{API}/import", json={"text": json.dumps(DEFINITION)}, headers=teams.member
    )
    assert nameless.status_code == 422


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_export_round_trip(client: TestClient, teams: Teams, fmt: str) -> None:
    guid = create(client, teams.member)["guid"]
    exported = client.get(f"{API}/{guid}/export", params={"format": fmt}, headers=teams.member)
    assert exported.status_code == 200 and fmt in exported.headers["content-type"]
    assert exported.headers["content-disposition"].endswith(f'.{fmt}"')
    back = client.post(
        f"{API}/import", json={"name": "Copy", "text": exported.text}, headers=teams.member
    )
    assert back.status_code == 201 and back.json()["definition"] == DEFINITION
    wrong = client.get(f"{API}/{guid}/export", params={"format": "xml"}, headers=teams.member)
    assert wrong.status_code == 422


def test_preview_names(client: TestClient, teams: Teams) -> None:
    guid = create(client, teams.member)["guid"]
    answer = client.get(f"{API}/{guid}/preview", params={"base": "AB3D0001"}, headers=teams.member)
    assert answer.status_code == 200
    preview = answer.json()
    assert preview["truncated_paths"] == 0 and len(preview["paths"]) == 1
    path = preview["paths"][0]
    assert path["termination"] == "Archive"
    assert path["nodes"] == ["capture", "raw", "xmp", "pair", "dxo", "dng", "end"]
    assert path["filenames"] == ["AB3D0001-DxO.DNG", "AB3D0001.CR3", "AB3D0001.xmp"]
    marked = client.get(
        f"{API}/{guid}/preview", params={"base": "AB3D0001", "suffix": "2"}, headers=teams.member
    ).json()
    assert "AB3D0001-DxO-2.DNG" in marked["paths"][0]["filenames"]
    broken = create(client, teams.member, name="Broken", definition=BROKEN)["guid"]
    assert client.get(f"{API}/{broken}/preview", headers=teams.member).status_code == 422


def test_default_switching(client: TestClient, db_url: str, teams: Teams) -> None:
    first = create(client, teams.admin)["guid"]
    second = create(client, teams.admin, name="Second")["guid"]
    broken = create(client, teams.admin, name="Broken", definition=BROKEN)["guid"]
    assert client.post(f"{API}/{first}/default", headers=teams.member).status_code == 403
    assert client.post(f"{API}/{first}/default", headers=teams.admin).json()["is_default"]
    assert client.post(f"{API}/{second}/default", headers=teams.admin).status_code == 200
    flags = {p["guid"]: p["is_default"] for p in client.get(API, headers=teams.admin).json()}
    assert flags == {first: False, second: True, broken: False}
    assert client.post(f"{API}/{broken}/default", headers=teams.admin).status_code == 422
    # An invalid edit of the default drops it from being the default.
    client.put(f"{API}/{second}", json={"definition": BROKEN}, headers=teams.admin)
    assert not client.get(f"{API}/{second}", headers=teams.admin).json()["is_default"]
    assert audit_actions(db_url, first) == ["pipeline.created", "pipeline.default"]


def test_delete_is_for_admins(client: TestClient, db_url: str, teams: Teams) -> None:
    guid = create(client, teams.member)["guid"]
    assert client.delete(f"{API}/{guid}", headers=teams.member).status_code == 403
    assert client.delete(f"{API}/{guid}", headers=teams.admin).status_code == 204
    assert client.get(f"{API}/{guid}", headers=teams.admin).status_code == 404
    assert client.delete(f"{API}/{guid}", headers=teams.admin).status_code == 404
    assert audit_actions(db_url, guid)[-1] == "pipeline.deleted"


def test_other_teams_see_nothing(client: TestClient, teams: Teams) -> None:
    guid = create(client, teams.admin)["guid"]
    out = teams.outsider
    assert client.get(API, headers=out).json() == []
    for path in ("", "/versions", "/versions/1", "/export", "/preview"):
        assert client.get(f"{API}/{guid}{path}", headers=out).status_code == 404
    assert (
        client.put(f"{API}/{guid}", json={"definition": DEFINITION}, headers=out).status_code == 404
    )
    assert client.post(f"{API}/{guid}/default", headers=out).status_code == 404
    assert client.delete(f"{API}/{guid}", headers=out).status_code == 404
    assert client.get(f"{API}/{guid}", headers=teams.admin).json()["current_version"] == 1


def test_unauthenticated(client: TestClient, teams: Teams) -> None:
    guid = create(client, teams.admin)["guid"]
    assert client.get(API).status_code == 401
    assert client.get(f"{API}/{guid}").status_code == 401
    assert client.post(f"{API}/validate", json={"definition": DEFINITION}).status_code == 401
    assert client.delete(f"{API}/{guid}").status_code == 401
