"""How a Pipeline Validation issue reads: its heading, its advice and its real file names."""

from __future__ import annotations

import pytest

from shuttersense.common.report.issue_text import (
    image_file,
    issue_advice,
    issue_sentence,
    name_list,
)
from shuttersense.common.results import Status
from tests.common.report import factories as f


def test_names_are_code_joined_for_reading() -> None:
    assert name_list([]) == ""
    assert name_list([".xmp"]) == "<code>.xmp</code>"
    assert name_list(["a", "b"]) == "<code>a</code> and <code>b</code>"
    assert name_list(["a", "b", "c"]) == "<code>a</code>, <code>b</code> and <code>c</code>"


@pytest.mark.parametrize(
    ("missing", "extra", "sentence"),
    [
        (
            ["-DxO_DeepPRIME.DNG", "-DxO_DeepPRIME-Edit.TIF"],
            [],
            "missing <code>-DxO_DeepPRIME.DNG</code> and <code>-DxO_DeepPRIME-Edit.TIF</code> "
            "for Browsable Archive",
        ),
        (
            [".xmp"],
            ["-HDR.DNG"],
            "missing <code>.xmp</code>, with unexpected <code>-HDR.DNG</code>, for "
            "Browsable Archive",
        ),
        ([], [".jpg"], "with unexpected <code>.jpg</code> for Browsable Archive"),
        ([], [], "partial for Browsable Archive"),
    ],
)
def test_issue_sentence(missing: list[str], extra: list[str], sentence: str) -> None:
    issue = f.issue(Status.PARTIAL, "Browsable Archive", missing=missing, extra=extra)
    assert issue_sentence(issue) == sentence


def test_issue_sentence_tells_each_termination_in_turn() -> None:
    browsable = f.pattern(Status.PARTIAL, "Browsable Archive", missing=["-DxO.DNG"])
    issue = f.issue(Status.INCONSISTENT, "Black Box", missing=[".TIF"], also=[browsable])
    assert issue_sentence(issue) == (
        "missing <code>.TIF</code> for Black Box; missing <code>-DxO.DNG</code> for Browsable "
        "Archive"
    )


def test_issue_sentence_when_no_path_applies() -> None:
    issue = f.issue(Status.INCONSISTENT, None, expected=[], missing=[])
    assert issue_sentence(issue) == "that fit no path of the pipeline"


@pytest.mark.parametrize(
    ("image", "relative", "name"),
    [
        ("AB3D0001", "-DxO.DNG", "AB3D0001-DxO.DNG"),
        ("AB3D0001", ".xmp", "AB3D0001.xmp"),
        ("AB3D0001-2", "-DxO.DNG", "AB3D0001-DxO-2.DNG"),  # the marker goes before the extension
        ("AB3D0001-2", ".CR3", "AB3D0001-2.CR3"),
        ("AB3D0001-2", "-HDR", "AB3D0001-HDR-2"),
        ("AB3D0001-HDR", ".CR3", "AB3D0001-HDR.CR3"),  # not a separate-image marker
        ("AB3D0001", "notes.txt", "notes.txt"),  # a whole name stays whole
    ],
)
def test_image_file(image: str, relative: str, name: str) -> None:
    assert image_file(image, relative) == name


def test_advice_names_the_first_images_real_files() -> None:
    issue = f.issue(
        Status.PARTIAL,
        "Black Box Archive",
        expected=["-DxO.DNG", ".CR3", ".xmp"],
        missing=["-DxO.DNG", ".xmp"],
        extra=["-HDR.DNG"],
        images={"2024/wedding": ["AB3D0035-2", "AB3D0036"]},
    )
    advice = issue_advice(issue)
    assert "Expected for Black Box Archive: <code>-DxO.DNG</code>, <code>.CR3</code> and" in advice
    assert (
        "For <code>AB3D0035-2</code> the missing files are <code>AB3D0035-DxO-2.DNG</code> and "
        "<code>AB3D0035-2.xmp</code>, the unexpected file is <code>AB3D0035-HDR-2.DNG</code>."
    ) in advice
    assert "Produce or restore the missing files to complete them for Black Box Archive." in advice


def test_advice_covers_every_termination_of_the_issue() -> None:
    browsable = f.pattern(Status.PARTIAL, "Browsable Archive", missing=["-DxO.DNG"])
    issue = f.issue(Status.INCONSISTENT, "Black Box", missing=[".TIF"], also=[browsable])
    advice = issue_advice(issue)
    assert advice.count("Names follow each image's name.") == 1
    assert "For <code>AB3D0002</code> the missing file is <code>AB3D0002.TIF</code>." in advice
    assert "None of their files is one Black Box expects" in advice
    assert "the missing file is <code>AB3D0002-DxO.DNG</code>. Produce or restore" in advice
    assert advice.index("Black Box") < advice.index("Browsable Archive")


def test_advice_per_status() -> None:
    warned = f.issue(Status.CONSISTENT_WITH_WARNING, extra=[".jpg"])
    assert "Nothing is missing" in issue_advice(warned)
    inconsistent = f.issue(Status.INCONSISTENT, missing=[".CR3"])
    assert "None of their files is one Black Box Archive expects" in issue_advice(inconsistent)
    nowhere = f.issue(Status.INCONSISTENT, None, expected=[], missing=[])
    assert "fit none of the pipeline's paths" in issue_advice(nowhere)


def test_advice_escapes_names_and_terminations() -> None:
    issue = f.issue(
        Status.PARTIAL, f.NASTY, expected=[f.NASTY], missing=[f.NASTY], images={"": [f.NASTY]}
    )
    advice = issue_advice(issue) + issue_sentence(issue)
    assert f.NASTY not in advice
    assert "<script" not in advice
    assert f.NASTY_ESCAPED in advice


def test_advice_takes_its_example_from_a_run_of_images() -> None:
    issue = f.issue(images={"2024": [("AB3D0010", "AB3D0090"), "AB3D0200"]})
    assert "the missing file is <code>AB3D0010.xmp</code>" in issue_advice(issue)
