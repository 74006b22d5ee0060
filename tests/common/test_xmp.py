"""XMP sidecar reading: extraction, malformed files, XML bombs, size caps, path confinement."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shuttersense.common.results import InvalidFile
from shuttersense.common.xmp import (
    BOMB_REASON,
    OUTSIDE_REASON,
    XmpError,
    check_sidecars,
    read_xmp,
)

PACKET = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:tiff="http://ns.adobe.com/tiff/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
    xmp:Rating="3"
    crs:Exposure2012="+0.50">
   <tiff:Make> Canon </tiff:Make>
   <exif:ExposureTime>1/250</exif:ExposureTime>
   <photoshop:City>Lyon</photoshop:City>
   <crs:WhiteBalance>Auto</crs:WhiteBalance>
   <dc:subject>
    <rdf:Bag>
     <rdf:li>first</rdf:li>
     <rdf:li>last</rdf:li>
    </rdf:Bag>
   </dc:subject>
   <xmp:Label/>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<x:xmpmeta xmlns:x="adobe:ns:meta/">&lol9;</x:xmpmeta>
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def failure(path: Path, **kwargs: int) -> str:
    with pytest.raises(XmpError) as caught:
        read_xmp(path, **kwargs)
    assert caught.value.path == str(path)
    assert str(caught.value) == f"{path}: {caught.value.reason}"
    return caught.value.reason


def test_extracts_the_spec_namespaces_as_prefixed_keys(tmp_path: Path) -> None:
    fields = read_xmp(write(tmp_path / "IMG_1.xmp", PACKET))

    assert fields == {
        "rdf:Description@xmp:Rating": "3",
        "rdf:Description@Exposure2012": "+0.50",
        "tiff:Make": "Canon",
        "exif:ExposureTime": "1/250",
        "photoshop:City": "Lyon",
        "rdf:li": "last",  # later keys overwrite
    }


def test_a_bare_rdf_root_is_an_xmp_packet(tmp_path: Path) -> None:
    text = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>image/x-canon-cr3</dc:format>'
        "</rdf:RDF>"
    )
    assert read_xmp(write(tmp_path / "a.xmp", text)) == {"dc:format": "image/x-canon-cr3"}


def test_xmp_error_is_a_value_error() -> None:
    assert issubclass(XmpError, ValueError)


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    broken = write(tmp_path / "b.xmp", '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n<a>\n</b>\n')
    reason = failure(broken)
    assert reason.startswith("not well-formed XML at line 3, column 2: mismatched tag")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "not well-formed XML at line 1, column 0: no element found"),
        ("just text", "not well-formed XML at line 1"),
        ('<?xml version="1.0" encoding="bogus"?><a/>', "not well-formed XML: unknown encoding"),
    ],
)
def test_empty_and_non_xml_files_are_not_well_formed(
    tmp_path: Path, content: str, expected: str
) -> None:
    assert failure(write(tmp_path / "c.xmp", content)).startswith(expected)


def test_non_xmp_root_is_refused(tmp_path: Path) -> None:
    reason = failure(write(tmp_path / "d.xmp", "<html><body/></html>"))
    assert reason == "not an XMP packet: the root element is <html>, not <x:xmpmeta>"


def test_billion_laughs_is_refused_before_expansion(tmp_path: Path) -> None:
    # Expanded, this document would be gigabytes: refusal at the DTD is what lets it finish.
    bomb = write(tmp_path / "bomb.xmp", BILLION_LAUGHS)
    assert failure(bomb) == BOMB_REASON


def test_external_entity_is_refused_and_nothing_is_read(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.txt", "TOP-SECRET")
    xxe = write(
        tmp_path / "xxe.xmp",
        f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY leak SYSTEM "file://{secret}">]>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "&leak;</dc:title></x:xmpmeta>",
    )
    assert failure(xxe) == BOMB_REASON


def test_any_document_type_declaration_is_refused(tmp_path: Path) -> None:
    doctype = write(
        tmp_path / "dtd.xmp", '<!DOCTYPE x:xmpmeta>\n<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
    )
    assert failure(doctype) == BOMB_REASON


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = write(tmp_path / "big.xmp", PACKET + " " * 200)
    reason = failure(big, max_bytes=len(PACKET))
    assert reason.startswith("file too large (")
    assert f"the limit is {len(PACKET):,}" in reason
    assert read_xmp(big, max_bytes=10_000)["tiff:Make"] == "Canon"


def test_missing_file_cannot_be_read(tmp_path: Path) -> None:
    assert failure(tmp_path / "missing.xmp") == "cannot be read: No such file or directory"


def test_folders_and_fifos_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "folder.xmp").mkdir()
    os.mkfifo(tmp_path / "pipe.xmp")  # opening it for a blocking read would hang
    for name in ("folder.xmp", "pipe.xmp"):
        assert failure(tmp_path / name) == "not a regular file; not read"


def test_check_sidecars_returns_the_failures_sorted(tmp_path: Path) -> None:
    root = tmp_path / "collection"
    write(root / "ok" / "IMG_1.xmp", PACKET)
    write(root / "z" / "broken.xmp", "<x:xmpmeta")
    write(root / "bomb.xmp", BILLION_LAUGHS)
    seen: list[int] = []

    invalid = check_sidecars(
        root, ["z/broken.xmp", "ok/IMG_1.xmp", "bomb.xmp", "gone.xmp"], seen.append
    )

    assert [item.path for item in invalid] == ["bomb.xmp", "gone.xmp", "z/broken.xmp"]
    assert invalid[0] == InvalidFile(path="bomb.xmp", reason=BOMB_REASON)
    assert invalid[1].reason.startswith("cannot be read")
    assert invalid[2].reason.startswith("not well-formed XML at line 1")
    assert seen == [1, 2, 3, 4]


def test_check_sidecars_refuses_paths_leading_outside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "collection"
    outside = write(tmp_path / "outside.xmp", "<not-closed")  # would fail differently if read
    write(root / "IMG_1.xmp", PACKET)
    (root / "link.xmp").symlink_to(outside)
    (root / "sub").mkdir()

    invalid = check_sidecars(
        root, ["../outside.xmp", str(outside), "link.xmp", "sub/../IMG_1.xmp", "IMG_1.xmp"]
    )

    assert invalid == [
        InvalidFile(path=path, reason=OUTSIDE_REASON)
        for path in sorted(["../outside.xmp", str(outside), "link.xmp"])
    ]


def test_check_sidecars_follows_symlinks_that_stay_inside(tmp_path: Path) -> None:
    write(tmp_path / "real" / "IMG_1.xmp", PACKET)
    (tmp_path / "IMG_1.xmp").symlink_to("real/IMG_1.xmp")
    assert check_sidecars(tmp_path, ["IMG_1.xmp"]) == []
