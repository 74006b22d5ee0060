"""`shuttersense analyze` end to end, on real folders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shuttersense.common.cli.main import main
from tests.helpers.samples import PIPELINE, XMP, MakeTree
from tests.helpers.unprivileged import run_as_nobody


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = main(["analyze", *args, "--json", "-", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_json_document_has_every_promised_field(
    capsys: pytest.CaptureFixture[str], family_tree: Path, pipeline_file: Path
) -> None:
    doc = run_json(capsys, str(family_tree), "--pipeline", str(pipeline_file))
    assert doc["schema_version"] == 3
    assert doc["collection"] == {
        "path": str(family_tree.resolve()),
        "name": family_tree.name,
        "total_files": 8,
        "total_size": 300 + 500 + 200 + 100 + 5 + 3 * len(XMP),
    }
    assert len(doc["input_state_hash"]) == 64
    stats = doc["results"]["photostats"]
    assert stats["orphaned_sidecars"] == {"count": 1, "by_folder": {"2024": ["AB3D0003.xmp"]}}
    assert stats["orphaned_images"] == {"count": 1, "by_folder": {"2024": ["IMG_0004.CR3"]}}
    assert stats["file_counts"] == {".cr3": 3, ".dng": 1, ".xmp": 3}
    assert stats["not_analysed"] == {
        ".txt": {"count": 1, "size": 5, "examples": ["2024/notes.txt"]}
    }
    pairing = doc["results"]["photo_pairing"]
    assert pairing["group_count"] == 2
    assert pairing["invalid_file_count"] == 1
    [invalid] = pairing["invalid_names"]
    assert (invalid["count"], invalid["by_folder"]) == (1, {"2024": ["IMG_0004.CR3"]})
    assert "Test workflow" in pairing["filename_convention"]
    assert pairing["name_collisions"] == []
    validation = doc["results"]["pipeline_validation"]
    assert validation["total_images"] == 2
    assert validation["overall_status"] == {"CONSISTENT": 1, "PARTIAL": 1, "INCONSISTENT": 0}
    [partial] = validation["issues"]
    assert (partial["status"], partial["image_count"]) == ("PARTIAL", 1)
    [pattern] = partial["patterns"]
    assert (pattern["termination"], pattern["status"]) == ("Archive", "PARTIAL")
    assert pattern["missing"] == ["-DxO.DNG"]
    assert partial["images"] == {"2024": ["AB3D0002"]}


def test_without_pipeline_validation_is_skipped_and_said(
    capsys: pytest.CaptureFixture[str], family_tree: Path
) -> None:
    code = main(["analyze", str(family_tree)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Skipped pipeline_validation" in out
    assert "--pipeline" in out
    assert "PhotoStats:" in out and "Photo Pairing:" in out


def test_the_summary_counts_names_found_in_several_folders(
    capsys: pytest.CaptureFixture[str], make_tree: MakeTree
) -> None:
    copies = {f"{d}/AB3D{n:04d}.CR3": 1 for d in ("2019", "2023", "copy") for n in (1, 2)}
    root = make_tree({**copies, "2019/AB3D0003.CR3": 1, "x/AB3D0003.CR3": 1})
    assert main(["analyze", str(root), "--tools", "photo_pairing"]) == 0
    assert "3 names found in several folders" in capsys.readouterr().out


def test_tools_option_limits_the_run(capsys: pytest.CaptureFixture[str], family_tree: Path) -> None:
    doc = run_json(capsys, str(family_tree), "--tools", "photo_pairing")
    assert list(doc["results"]) == ["photo_pairing"]


def test_unchanged_collection_keeps_its_hash(
    capsys: pytest.CaptureFixture[str], family_tree: Path
) -> None:
    first = run_json(capsys, str(family_tree))["input_state_hash"]
    assert run_json(capsys, str(family_tree))["input_state_hash"] == first
    (family_tree / "2024" / "AB3D0009.CR3").write_bytes(b"x")
    assert run_json(capsys, str(family_tree))["input_state_hash"] != first


@pytest.mark.parametrize(
    ("make_args", "expected"),
    [
        (lambda root, tmp: [str(tmp / "nowhere")], "nowhere: no such folder"),
        (lambda root, tmp: [str(root / "2024" / "notes.txt")], "is a file, not a folder"),
        (lambda root, tmp: [str(root), "--tools", "histogram"], "unknown tool 'histogram'"),
        (
            lambda root, tmp: [str(root), "--tools", "pipeline_validation"],
            "pipeline_validation needs a pipeline",
        ),
        (lambda root, tmp: [str(root), "--pipeline", str(tmp / "none.yaml")], "none.yaml"),
        (lambda root, tmp: [str(root), "--config", str(tmp / "none.yaml")], "none.yaml"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], family_tree: Path, tmp_path: Path, make_args, expected: str
) -> None:
    code = main(["analyze", *make_args(family_tree, tmp_path), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert err.count("\n") == 1


CHOICES = "choose from photostats, photo_pairing, pipeline_validation"


@pytest.mark.parametrize(
    ("tools", "expected"),
    [
        ("", f"no tool given in ''; {CHOICES}"),
        (" , ", f"no tool given in ' , '; {CHOICES}"),
        ("photostats,", f"empty tool name in 'photostats,'; {CHOICES}"),
        (",photostats", f"empty tool name in ',photostats'; {CHOICES}"),
        ("photostats,,photo_pairing", f"empty tool name in 'photostats,,photo_pairing'; {CHOICES}"),
        ("histogram", f"unknown tool 'histogram'; {CHOICES}"),
    ],
)
def test_an_empty_or_unknown_tool_list_is_refused_naming_the_tools(
    capsys: pytest.CaptureFixture[str], family_tree: Path, tools: str, expected: str
) -> None:
    code = main(["analyze", str(family_tree), "--tools", tools, "--quiet"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == f"shuttersense: error: {expected}\n"
    assert captured.out == ""


def test_invalid_pipeline_lists_every_error(
    capsys: pytest.CaptureFixture[str], family_tree: Path, tmp_path: Path
) -> None:
    broken = {
        "nodes": [
            {
                "id": "c",
                "type": "capture",
                "properties": {"filename_regex": "(", "camera_id_group": "3"},
            },
            {"id": "f", "type": "file", "properties": {"extension": ".CR3"}},
        ],
        "edges": [{"from": "c", "to": "f"}, {"from": "f", "to": "ghost"}],
    }
    path = tmp_path / "broken.yaml"
    path.write_text(json.dumps(broken), encoding="utf-8")
    assert main(["analyze", str(family_tree), "--pipeline", str(path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "broken.yaml" in err
    for fragment in ("sample_filename", "camera_id_group", "ermination", "ghost"):
        assert fragment in err


def test_pipeline_over_the_path_cap_says_how_many_paths(
    capsys: pytest.CaptureFixture[str], family_tree: Path, tmp_path: Path
) -> None:
    # 14 stages of two alternatives each: 2**14 = 16,384 paths, over the 10,000 cap.
    nodes = [dict(PIPELINE["nodes"][0])]
    edges = []
    previous = "capture"
    for stage in range(14):
        node_id = f"p{stage}"
        nodes.append({"id": node_id, "type": "process", "properties": {"method_ids": ["A", "B"]}})
        edges.append({"from": previous, "to": node_id})
        previous = node_id
    nodes += [
        {"id": "raw", "type": "file", "properties": {"extension": ".CR3"}},
        {"id": "end", "type": "termination", "properties": {"termination_type": "Archive"}},
    ]
    edges += [{"from": previous, "to": "raw"}, {"from": "raw", "to": "end"}]
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"name": "huge", "nodes": nodes, "edges": edges}), encoding="utf-8")
    assert main(["analyze", str(family_tree), "--pipeline", str(path), "--quiet"]) == 2
    assert "16,384" in capsys.readouterr().err


def test_invalid_config_names_the_file_and_key(
    capsys: pytest.CaptureFixture[str], family_tree: Path, tmp_path: Path
) -> None:
    path = tmp_path / "team.yaml"
    path.write_text("photo_extension: [.cr3]\n", encoding="utf-8")
    assert main(["analyze", str(family_tree), "--config", str(path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "team.yaml" in err and "photo_extension" in err


def test_config_changes_what_counts(
    capsys: pytest.CaptureFixture[str], family_tree: Path, tmp_path: Path
) -> None:
    path = tmp_path / "team.yaml"
    path.write_text("photo_extensions: [CR3]\nrequire_sidecar: []\n", encoding="utf-8")
    doc = run_json(capsys, str(family_tree), "--config", str(path))
    stats = doc["results"]["photostats"]
    assert stats["file_counts"] == {".cr3": 3, ".xmp": 3}
    assert stats["orphaned_images"] == {"count": 0, "by_folder": {}}
    assert stats["not_analysed"][".dng"]["count"] == 1


def test_hostile_names_are_escaped_in_the_report(
    capsys: pytest.CaptureFixture[str], make_tree: MakeTree, tmp_path: Path
) -> None:
    hostile = "<script>alert(1)</script>.CR3"
    root = make_tree({hostile: 10, "AB3D0001.CR3": 10, "a&b\"'.xmp": b"<x/>"})
    report = tmp_path / "out.html"
    assert main(["analyze", str(root), "--report", str(report), "--quiet"]) == 0
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html
    # The name's `/` makes a folder of its first part.
    assert "&lt;script&gt;alert(1)&lt;" in html and "script&gt;.CR3" in html
    assert "a&amp;b&quot;&#x27;.xmp" in html


def test_xml_bomb_sidecar_is_reported_not_expanded(
    capsys: pytest.CaptureFixture[str], make_tree: MakeTree
) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + ']><x:xmpmeta xmlns:x="adobe:ns:meta/">&lol9;</x:xmpmeta>'
    )
    root = make_tree(
        {
            "AB3D0001.CR3": 10,
            "AB3D0001.xmp": bomb.encode(),
            "AB3D0002.xmp": XMP.encode(),
            "AB3D0002.CR3": 1,
        }
    )
    doc = run_json(capsys, str(root), "--check-sidecars")
    [bad] = doc["results"]["photostats"]["invalid_xmp"]
    assert bad["path"] == "AB3D0001.xmp"
    assert "entit" in bad["reason"].lower()


def test_symlink_loop_terminates_and_is_reported(
    capsys: pytest.CaptureFixture[str], make_tree: MakeTree
) -> None:
    root = make_tree({"a/AB3D0001.CR3": 10})
    (root / "a" / "loop").symlink_to(root)
    doc = run_json(capsys, str(root))
    assert doc["collection"]["total_files"] == 1
    assert any(issue["path"] == "a/loop" for issue in doc["scan_issues"])


def test_installed_command_runs(family_tree: Path, tmp_path: Path, pipeline_file: Path) -> None:
    report = tmp_path / "r.html"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "shuttersense.common.cli.main",
            "analyze",
            str(family_tree),
            "--pipeline",
            str(pipeline_file),
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Pipeline Validation (Test workflow)" in proc.stdout
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert proc.stderr == ""  # stderr is not a terminal: no progress bar


def _analyze_as_nobody(root: Path, out: Path) -> tuple[int, str]:
    code = main(["analyze", str(root), "--json", str(out), "--quiet"])
    return code, out.read_text(encoding="utf-8")


def test_unreadable_folder_is_reported_and_the_rest_analysed(shared_tree: Path) -> None:
    root = shared_tree / "collection"
    for rel in ("ok/AB3D0001.CR3", "ok/AB3D0001.xmp", "locked/AB3D0002.CR3"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    (root / "locked").chmod(0o000)
    outbox = shared_tree / "out"
    outbox.mkdir(mode=0o777)
    outbox.chmod(0o777)

    code, text = run_as_nobody(lambda: _analyze_as_nobody(root, outbox / "r.json"))

    assert code == 0
    doc = json.loads(text)
    assert doc["collection"]["total_files"] == 2
    assert doc["scan_issues"] == [
        {"path": "locked", "reason": "folder is not readable (permission denied); skipped"}
    ]
