"""Filename conventions: which grammar reads a collection's names, and how to say so to a user.

Without a pipeline the team config chooses: ShutterSense's own names (`AB3D0001.CR3`, the
reference's convention and the default) or the camera makers' default names (`IMG_1234.JPG`,
`DSC_0042.NEF`, `_DSC0042.ARW` …), for collections that were never renamed. With a pipeline its
Capture node's pattern decides (analysis spec 2.2, D3).
"""

from __future__ import annotations

from dataclasses import dataclass

from .grammar import FilenameGrammar, LegacyGrammar, RegexGrammar

__all__ = [
    "CAMERA_DEFAULTS",
    "CAMERA_DEFAULTS_PATTERN",
    "CONVENTIONS",
    "SHUTTERSENSE",
    "Convention",
    "config_convention",
    "pipeline_convention",
]

SHUTTERSENSE = "shuttersense"
CAMERA_DEFAULTS = "camera_defaults"
CONVENTIONS = (SHUTTERSENSE, CAMERA_DEFAULTS)

# The prefix a maker's camera writes stands for the camera, the 4 or 5 digits after it for the
# counter: Canon IMG_/_MG_, Nikon DSC_/_DSC, Sony DSC0…/_DSC, Fujifilm DSCF/_DSF, Pentax
# IMGP/_IGP, DJI DJI_, GoPro GOPR, Olympus/OM and Panasonic P + 3 digits, Leica L + 3 digits,
# Ricoh R + 3 digits.
CAMERA_DEFAULTS_PATTERN = (
    r"(IMG_|_MG_|DSC_|_DSC|DSCF|_DSF|DSC|IMGP|_IGP|DJI_|GOPR|P\d{3}|L\d{3}|R\d{3})(\d{4,5})"
)
_HOW_TO_CHANGE = "set filename_convention in the team config (--config FILE)"


@dataclass(frozen=True)
class Convention:
    """A grammar and the sentence that tells a user what it expects and how to change it."""

    grammar: FilenameGrammar
    description: str


def config_convention(name: str) -> Convention:
    """The convention a team config names (`shuttersense` or `camera_defaults`)."""
    if name == CAMERA_DEFAULTS:
        return Convention(
            RegexGrammar(CAMERA_DEFAULTS_PATTERN),
            "camera makers' default names (IMG_1234.JPG, DSC_0042.NEF, _DSC0042.ARW …: the "
            f"prefix stands for the camera); for ShutterSense names, {_HOW_TO_CHANGE} to "
            f"{SHUTTERSENSE}",
        )
    return Convention(
        LegacyGrammar(),
        "ShutterSense names (a 4-character camera ID and a 4-digit counter: AB3D0001.CR3); "
        f"for names as cameras write them (IMG_1234.JPG), {_HOW_TO_CHANGE} to {CAMERA_DEFAULTS}",
    )


def pipeline_convention(pattern: str, camera_id_group: int, pipeline_name: str) -> Convention:
    """The convention of a pipeline's Capture node."""
    return Convention(
        RegexGrammar(pattern, camera_id_group),
        f"the filename pattern of pipeline {pipeline_name!r} ({pattern}); change it on the "
        "pipeline's Capture node",
    )
