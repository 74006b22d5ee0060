"""Local runs: the team settings in force, and analysing with the coordinator out of reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuttersense.common.errors import PipelineInvalidError
from shuttersense.common.results import ToolName
from shuttersense.desktop.agent.agent_config import AgentConfig, Identity
from shuttersense.desktop.agent.context import AGENT_KEY, AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE
from shuttersense.desktop.agent.local_runs import run_locally, team_settings
from shuttersense.desktop.agent.locations import AgentDirs
from tests.desktop.conftest import SERVER
from tests.desktop.fake_coordinator import AGENT_KEY as KEY
from tests.desktop.fake_coordinator import FakeCoordinator
from tests.helpers.samples import PIPELINE

OTHER = {**PIPELINE, "name": "Other workflow"}


def pipeline_out(guid: str, definition: dict) -> dict:
    return {"guid": guid, "name": definition["name"], "version": 1, "definition": definition}


def test_no_agent_config_means_defaults() -> None:
    config, pipeline = team_settings(None, {"pipeline_guid": "pip_1"})
    assert config.photo_extensions[:2] == (".dng", ".cr3")
    assert pipeline is None


def test_the_collections_own_pipeline_wins_over_the_default() -> None:
    answer = {
        "config": {"photo_extensions": [".cr3"]},
        "default_pipeline": pipeline_out("pip_default", PIPELINE),
        "pipelines": [pipeline_out("pip_own", OTHER)],
    }
    config, pipeline = team_settings(answer, {"pipeline_guid": "pip_own"})
    assert config.photo_extensions == (".cr3",)
    assert pipeline is not None
    assert pipeline.name == "Other workflow"
    _, default = team_settings(answer, {"pipeline_guid": None})
    assert default is not None
    assert default.name == "Test workflow"
    _, for_a_folder = team_settings(answer, None)
    assert for_a_folder is not None
    assert for_a_folder.name == "Test workflow"


def test_a_definition_without_a_name_is_named_as_the_team_knows_it() -> None:
    unnamed = {k: v for k, v in PIPELINE.items() if k != "name"}  # as the coordinator stores it
    answer = {"default_pipeline": {**pipeline_out("pip_1", PIPELINE), "definition": unnamed}}
    _, pipeline = team_settings(answer, None)
    assert pipeline is not None and pipeline.name == "Test workflow"


def test_a_broken_pipeline_from_the_coordinator_is_refused() -> None:
    answer = {"config": {}, "default_pipeline": pipeline_out("p", {**PIPELINE, "edges": []})}
    with pytest.raises(PipelineInvalidError):
        team_settings(answer, None)


@pytest.fixture
def context(tmp_path: Path, fake: FakeCoordinator, monkeypatch: pytest.MonkeyPatch) -> AgentContext:
    monkeypatch.setenv(ENV_KEY_STORE, "file")
    made = AgentContext(
        AgentDirs(tmp_path / "c", tmp_path / "d", tmp_path / "l"), transport=fake.transport
    )
    made.keys.set(AGENT_KEY, KEY)
    identity = Identity(SERVER, "agt_0001", "tea_0001", "studio")
    made.save(AgentConfig(identity))
    return made


def test_offline_the_last_known_settings_are_used(
    context: AgentContext, fake: FakeCoordinator, photo_tree: Path
) -> None:
    context.save(context.config.with_roots((str(photo_tree),)))
    fake.collections.append(
        {"guid": "col_0001", "name": "Photos", "root_path": str(photo_tree.resolve())}
    )
    context.store.cache_put(
        "config",
        {"config": {}, "default_pipeline": pipeline_out("pip", PIPELINE), "pipelines": []},
    )
    fake.down = True  # the coordinator is out of reach: the kept copy is used
    done = run_locally(context, str(photo_tree), None, offline=False)
    assert done.sync is not None
    assert done.sync.unreachable
    assert set(done.document.results) == {"photostats", "photo_pairing", "pipeline_validation"}
    assert context.store.counts()["pending"] == 3
    fake.down = False
    by_name = run_locally(context, "Photos", (ToolName.PHOTOSTATS,), offline=False)
    assert by_name.collection is not None
    assert by_name.collection["guid"] == "col_0001"
    assert by_name.sync is not None
    assert by_name.sync.sent == 4  # the three kept ones and this one
    assert {body["collection_guid"] for body in fake.results.values()} == {"col_0001"}
