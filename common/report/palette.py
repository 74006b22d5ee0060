"""The report's colours, shared by CSS and SVG so a status looks the same everywhere."""

from __future__ import annotations

from typing import Literal

from ..results import Status

__all__ = ["OTHER_COLOUR", "SERIES_COLOURS", "STATUS_COLOURS", "TONE_COLOURS", "Tone"]

Tone = Literal["success", "info", "warning", "danger", "muted"]

STATUS_COLOURS: dict[Status, str] = {
    Status.CONSISTENT: "#2e7d32",
    Status.CONSISTENT_WITH_WARNING: "#7cb342",
    Status.PARTIAL: "#f59e0b",
    Status.INCONSISTENT: "#c62828",
}

# (accent, tint) per tone: the accent draws borders and figures, the tint fills boxes.
TONE_COLOURS: dict[Tone, tuple[str, str]] = {
    "success": ("#2e7d32", "#edf7ee"),
    "info": ("#2f5f98", "#eef3fa"),
    "warning": ("#b45309", "#fff6e5"),
    "danger": ("#c62828", "#fdecec"),
    "muted": ("#6b7280", "#f3f4f6"),
}

# Categorical colours for cameras, extensions and methods; none reads as a status colour.
SERIES_COLOURS: tuple[str, ...] = (
    "#3b6ea8",
    "#e08a2c",
    "#4f9a8f",
    "#b0527a",
    "#7a5cb0",
    "#8c9a3a",
    "#c9654a",
    "#4a90c9",
    "#a8823c",
    "#6b7d8c",
)

OTHER_COLOUR = "#a3aab3"
