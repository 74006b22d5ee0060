"""The tray's "Run all collections now" against a real coordinator (both databases): one audit
per collection of this computer's agent, and nothing doubled when asked again."""

from __future__ import annotations

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.api import UserApiClient
from shuttersense.desktop.app.services.run_all import run_all_collections
from tests.desktop.app.studio import Studio
from tests.desktop.app.team_server import TeamServer


def test_one_audit_per_collection_and_nothing_doubled(
    context: AgentContext, team_server: TeamServer, studio: Studio
) -> None:
    agent = context.identity().agent_guid
    with UserApiClient(team_server.base, studio.signed.token) as client:
        assert run_all_collections(client, agent) == 3  # with the team's default pipeline
        jobs = client.jobs()
        assert sorted(job.tool for job in jobs) == [
            "photo_pairing",
            "photostats",
            "pipeline_validation",
        ]
        assert len({job.audit for job in jobs}) == 1 and jobs[0].audit is not None
        assert {job.collection for job in jobs} == {studio.collection["guid"]}
        assert run_all_collections(client, agent) == 3  # still queued: the same three jobs
        assert len(client.jobs()) == 3
        assert run_all_collections(client, "agt_someoneelse") == 0
