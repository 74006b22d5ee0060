"""folder_in_roots: a collection's folder compared with an agent's reported roots, as text in
the flavour of the agent's machine, without `..` tricks or prefix matches."""

from __future__ import annotations

import pytest

from shuttersense.coordinator.errors import InvalidInput
from shuttersense.coordinator.models import Agent
from shuttersense.coordinator.services.agent_roots import folder_in_roots


def agent(*roots: object) -> Agent:
    return Agent(guid="agt_test", name="Studio Mac", authorized_roots=list(roots))


@pytest.mark.parametrize(
    ("roots", "folder", "stored"),
    [
        (["/photos"], "/photos", "/photos"),
        (["/photos"], "/photos/2024/weddings", "/photos/2024/weddings"),
        (["/photos/"], "/photos//2024/./weddings/", "/photos/2024/weddings"),
        (["/archive", "/photos"], "/photos/..2024", "/photos/..2024"),  # a name, not a step up
        (["/"], "/anything", "/anything"),
        (["C:\\Photos"], "c:/photos/2024", "c:\\photos\\2024"),  # Windows: case-insensitive
        (["\\\\nas\\photos"], "\\\\NAS\\Photos\\2024", "\\\\NAS\\Photos\\2024"),
    ],
)
def test_folders_inside_a_root_are_kept_written_plainly(
    roots: list[str], folder: str, stored: str
) -> None:
    assert folder_in_roots(agent(*roots), folder) == stored


@pytest.mark.parametrize(
    ("roots", "folder"),
    [
        (["/photos"], "/photos2"),  # a prefix that does not end at a separator
        (["/photos"], "/photos2/2024"),
        (["/photos"], "/"),
        (["/photos/2024"], "/photos"),
        (["/photos"], "/etc"),
        (["C:\\Photos"], "C:\\Photos2\\x"),
        (["C:\\Photos"], "D:\\Photos"),
        (["/photos"], "C:\\photos"),  # another machine's kind of path
        (["C:\\photos"], "/photos"),
    ],
)
def test_folders_outside_every_root_are_refused_with_the_roots(
    roots: list[str], folder: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        folder_in_roots(agent(*roots), folder)
    message = str(refused.value)
    assert "is not inside the authorized roots of agent 'Studio Mac' (agt_test)" in message
    assert all(root.rstrip("/") in message for root in roots)
    assert "shuttersense-agent roots add PATH" in message


@pytest.mark.parametrize(
    "folder", ["/photos/../etc", "/photos/2024/../../etc", "/photos/..", "C:\\Photos\\..\\Windows"]
)
def test_a_step_up_is_refused_even_when_it_would_land_inside(folder: str) -> None:
    with pytest.raises(InvalidInput, match=r"goes up with '\.\.'"):
        folder_in_roots(agent("/", "/photos", "C:\\"), folder)


@pytest.mark.parametrize("folder", ["photos/2024", "~/Pictures", "C:Photos", "./photos"])
def test_relative_folders_are_refused(folder: str) -> None:
    with pytest.raises(InvalidInput, match="is not an absolute path"):
        folder_in_roots(agent("/photos"), folder)


@pytest.mark.parametrize("roots", [[], [""], ["relative/root"], [42, None]])
def test_an_agent_without_usable_roots_is_refused_saying_so(roots: list[object]) -> None:
    with pytest.raises(InvalidInput) as refused:
        folder_in_roots(agent(*roots), "/photos")
    message = str(refused.value)
    assert "has not reported any authorized roots yet" in message
    assert "shuttersense-agent roots add PATH" in message
