"""Collections bound to this agent, found by the folder they point at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .client import CoordinatorClient
from .errors import CoordinatorRefused

__all__ = ["collection_for_path", "find_collection"]


def find_collection(collections: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    """The collection whose GUID or name is `wanted`, or whose root is the folder `wanted`."""
    for collection in collections:
        if wanted in (collection["guid"], collection["name"]):
            return collection
    for collection in collections:
        if Path(collection["root_path"]) == Path(wanted):
            return collection
    return None


def collection_for_path(client: CoordinatorClient, root_path: str, name: str) -> dict[str, Any]:
    """This agent's collection of `root_path`, created (named `name`) when there is none."""
    existing = find_collection(client.collections(), root_path)
    if existing is not None:
        return existing
    try:
        return client.create_collection(name, root_path)
    except CoordinatorRefused as exc:
        if exc.status != 409:
            raise
    # Taken: by this folder's collection if another agent process made it just now (two syncs
    # at once), else by another folder of the team: keep the folder's name unique.
    made = find_collection(client.collections(), root_path)
    if made is not None:
        return made
    return client.create_collection(f"{name} ({Path(root_path).parent})", root_path)
