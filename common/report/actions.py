"""The report's "What to fix": every actionable finding of every tool as one action, biggest first.

An action is a count, what it concerns, what to do about it, and its files or images folder by
folder; the page shows each as a closed `<details>` whose list is capped like every other list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..folders import folder_of, names_by_folder
from ..results import (
    AnalysisDocument,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
    Status,
    ToolName,
    ValidationIssue,
)
from .format import format_count, noun
from .html import (
    FULL_LIST,
    Child,
    Listed,
    Markup,
    collapsible,
    folder_list,
    notice,
    render,
    tag,
)
from .issue_text import issue_advice, issue_sentence, status_badge
from .palette import Tone

__all__ = [
    "Action",
    "action_details",
    "collect_actions",
    "collision_action",
    "issue_action",
    "render_actions",
]

SCAN = "scan"
_ORDER = [*ToolName, SCAN]
_EXAMPLES_ONLY = "the results keep only a few examples of these"
_CONFIG = "the team config (--config FILE)"


@dataclass(frozen=True)
class Action:
    """One thing to fix: `count` things (each `one`) `what`, the advice, and the things folder
    by folder (`where` says where they all are when the list is capped)."""

    tool: str
    count: int
    one: str
    what: Child
    advice: Child
    listing: Mapping[str, Sequence[Listed]]
    where: str = FULL_LIST
    tone: Tone = "warning"
    badge: Markup | None = None


def collect_actions(document: AnalysisDocument) -> list[Action]:
    """Every action of the run, most files or images first (ties in tool order)."""
    actions: list[Action] = []
    for result in document.results.values():
        if isinstance(result, PhotoStatsResult):
            actions += _photostats(result)
        elif isinstance(result, PhotoPairingResult):
            actions += _pairing(result)
        else:
            actions += _validation(result)
    actions += _scan(document)
    return sorted(actions, key=lambda action: (-action.count, _ORDER.index(action.tool)))


def _photostats(result: PhotoStatsResult) -> Iterator[Action]:
    tool = ToolName.PHOTOSTATS
    if result.orphaned_images.count:
        yield Action(
            tool,
            result.orphaned_images.count,
            "image",
            "without the sidecar it needs",
            "Their type needs a sidecar (require_sidecar). Restore the sidecars beside them, or "
            f"remove the extension from require_sidecar in {_CONFIG} if it needs none.",
            result.orphaned_images.by_folder,
        )
    if result.orphaned_sidecars.count:
        yield Action(
            tool,
            result.orphaned_sidecars.count,
            "sidecar",
            "without their image",
            "Their image was moved, renamed or deleted: put it back beside its sidecar, or "
            "delete the sidecar if the image is gone for good.",
            result.orphaned_sidecars.by_folder,
        )
    if result.invalid_xmp:
        yield Action(
            tool,
            len(result.invalid_xmp),
            "sidecar",
            "that could not be read",
            "No tool can use their metadata: save the metadata again from your editor, or "
            "restore the sidecars from a backup.",
            _with_reasons((item.path, item.reason) for item in result.invalid_xmp),
        )
    for extension, files in result.not_analysed.items():
        if extension:
            what = render("with extension ", tag("code", extension), " not analysed")
            advice = (
                f"No tool counts them. If they are photos, add {extension} to photo_extensions "
                f"in {_CONFIG} (or a File node to the pipeline); if sidecars, to "
                "metadata_extensions. Otherwise there is nothing to do."
            )
        else:
            what = "without an extension, not analysed"
            advice = "No tool counts files without an extension: nothing to do."
        yield Action(
            tool,
            files.count,
            "file",
            what,
            advice,
            names_by_folder(files.examples),
            where=_EXAMPLES_ONLY,
            tone="info",
        )


def _with_reasons(paths: Iterable[tuple[str, str]]) -> dict[str, list[Child]]:
    """(path, reason) pairs by folder, each name followed by its reason."""
    listing: dict[str, list[Child]] = {}
    for path, reason in sorted(paths):
        name = path[path.rfind("/") + 1 :]
        note = render(name, " ", tag("span", f"({reason})", class_="sub"))
        listing.setdefault(folder_of(path), []).append(note)
    return dict(sorted(listing.items()))


def _pairing(result: PhotoPairingResult) -> Iterator[Action]:
    tool = ToolName.PHOTO_PAIRING
    convention = (
        f"Names are read as {result.filename_convention}. " if result.filename_convention else ""
    )
    for group in result.invalid_names:
        yield Action(
            tool,
            group.count,
            "file name",
            render("rejected: ", group.reason),
            f"{convention}Rename these files to follow the convention; until then no image "
            "group or pipeline check includes them.",
            group.by_folder,
        )
    collisions = collision_action(result)
    if collisions is not None:
        yield collisions


def collision_action(result: PhotoPairingResult) -> Action | None:
    """Names found in several folders, listed by the set of folders they share; also how the
    tool's section lists them."""
    if not result.name_collision_count:
        return None
    where = FULL_LIST
    if result.name_collision_sets > len(result.name_collisions):
        where = (
            f"the results list the {format_count(len(result.name_collisions))} largest of "
            f"{format_count(result.name_collision_sets)} sets of folders"
        )
    return Action(
        ToolName.PHOTO_PAIRING,
        result.name_collision_count,
        "name",
        "found in several folders",
        "Files of one name count as one image whatever their folder: a camera counter "
        "wrapped, or two cameras share a camera ID. Rename one side (give a second camera its "
        "own camera ID).",
        {" + ".join(c.folders): c.names for c in result.name_collisions},
        where=where,
    )


def issue_action(issue: ValidationIssue) -> Action:
    """A Pipeline Validation issue as an action, also how the tool's section lists it."""
    tones: dict[Status, Tone] = {Status.INCONSISTENT: "danger", Status.PARTIAL: "warning"}
    return Action(
        ToolName.PIPELINE_VALIDATION,
        issue.image_count,
        "image",
        issue_sentence(issue),
        issue_advice(issue),
        issue.images,
        tone=tones.get(issue.status, "info"),
        badge=status_badge(issue.status),
    )


def _validation(result: PipelineValidationResult) -> Iterator[Action]:
    for issue in result.issues:
        if issue.status in (Status.PARTIAL, Status.INCONSISTENT):
            yield issue_action(issue)


def _scan(document: AnalysisDocument) -> Iterator[Action]:
    if not document.scan_issues:
        return
    yield Action(
        SCAN,
        len(document.scan_issues),
        "path",
        "the scan could not read or would not follow",
        "Nothing under them was analysed: fix the permission or the name, or move the "
        "link's target into the collection, then run the analysis again.",
        _with_reasons((issue.path, issue.reason) for issue in document.scan_issues),
        tone="danger",
    )


def action_details(action: Action, titles: Mapping[str, str] | None = None) -> Markup:
    """One action as a closed `<details>`: count and what in the summary (and its tool when
    `titles` names it), advice and the capped folder list inside."""
    tool = titles.get(action.tool) if titles else None
    summary = render(
        action.badge,
        tag("span", format_count(action.count), class_="action-count"),
        " ",
        noun(action.count, action.one),
        " ",
        action.what,
        tag("span", tool, class_="action-tool") if tool else None,
    )
    return tag(
        "div",
        collapsible(
            summary,
            tag("p", action.advice, class_="advice"),
            folder_list(
                action.listing,
                total=action.count,
                one=action.one,
                where=action.where,
            ),
        ),
        class_=f"action tone-{action.tone}",
    )


def render_actions(document: AnalysisDocument, titles: Mapping[str, str]) -> Markup:
    """The "What to fix" section: the ranked actions, or one line saying there are none."""
    actions = collect_actions(document)
    if actions:
        body = render(
            tag(
                "p",
                "Ranked by how many files or images each concerns; open one to see them "
                "folder by folder.",
                class_="description",
            ),
            (action_details(action, titles) for action in actions),
        )
    elif document.results:
        body = notice("Nothing to fix: no tool found a problem.", tone="success")
    else:
        body = notice("Nothing was checked: no tool produced a result.", tone="muted")
    return tag(
        "section", tag("h2", "What to fix"), body, _warnings(document), id="fix", class_="panel"
    )


def _warnings(document: AnalysisDocument) -> Markup | None:
    """Images that have every file but extra ones are warnings, not fixes: say where they are."""
    for result in document.results.values():
        if isinstance(result, PipelineValidationResult):
            warned = result.status_counts.get("consistent_with_warning", 0)
            if warned:
                return tag(
                    "p",
                    f"Not listed: {format_count(warned)} {noun(warned, 'image')} with every "
                    "expected file and some extra ones (warnings, see Pipeline Validation).",
                    class_="description",
                )
    return None
