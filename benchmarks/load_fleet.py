"""The simulated fleet of the coordinator load benchmark: one team, its agents, collections and
a queue of jobs, written straight to the database the coordinator under test serves.

Agents are enrolled by the same service call the `/register` route makes
(`services.agents.register_agent` with a fresh one-time token), but in-process: the route allows
10 registrations per client address per 10 minutes, and the benchmark needs 1,000 from one
address. Jobs for the initial backlog and for `--feed db` are inserted in bulk and announced
on the event channel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from shuttersense.coordinator.db import make_engine, make_session_factory
from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import Collection, Job, Team
from shuttersense.coordinator.pg_events import CHANNEL, notify_payloads
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.services.agents import register_agent
from shuttersense.coordinator.services.auth import create_token
from shuttersense.coordinator.services.job_events import JOB_VIEW_COLUMNS, job_event
from shuttersense.coordinator.services.registration import create_registration_token

__all__ = ["Fleet", "JobQueue", "enrol_fleet"]

TEAM = "Load test"


@dataclass(frozen=True)
class Fleet:
    """What the drivers need: agent keys, the collections of the claiming agents (spread over
    them in turn), and an admin's API token for the user API."""

    agent_keys: list[str]
    collections: list[str]
    api_token: str


def enrol_fleet(db_url: str, jwt_key: str, agents: int, claimers: int, collections: int) -> Fleet:
    """A team with `agents` agents; the first `claimers` of them share `collections` collections
    in turn. A collection holds one unfinished job per tool, so a queue of N jobs needs N."""
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            admin = create_user(session, "admin@load.example", "load-test-password", team=TEAM)
            team = session.get_one(Team, admin.team_id)
            token = create_token(session, admin, "load benchmark", None, jwt_key).token
            keys, claiming = [], []
            for index in range(agents):
                issued = create_registration_token(session, team)
                enrolled = register_agent(
                    session, issued.token, {"name": f"agent-{index:04d}", "hostname": "load"}
                )
                keys.append(enrolled.key)
                if index < claimers:
                    claiming.append(enrolled.agent.id)
            made = [
                _collection(session, claiming[index % len(claiming)], team.id, index)
                for index in range(collections)
            ]
            session.commit()
            return Fleet(keys, made, token)
    finally:
        engine.dispose()


def _collection(session: Session, agent_id: int, team_id: int, index: int) -> str:
    made = Collection(
        guid=new_guid("col"),
        team_id=team_id,
        agent_id=agent_id,
        name=f"shoot-{index:04d}",
        root_path=f"/photos/shoot-{index:04d}",
    )
    session.add(made)
    session.flush()
    return made.guid


class JobQueue:
    """Bulk inserts of queued PhotoStats jobs, spread round-robin over the collections, each
    announced on the coordinator's event channel as its own job creation does, so that the
    agents waiting in a long poll are woken. A collection whose job is still unfinished gets
    none this time (the feeder makes up for it on its next round)."""

    def __init__(self, db_url: str, collections: list[str]) -> None:
        self.engine = make_engine(db_url)
        with Session(self.engine) as session:
            rows = session.execute(
                select(Collection.id, Collection.team_id, Collection.agent_id).where(
                    Collection.guid.in_(collections)
                )
            ).all()
        self.targets = [tuple(row) for row in rows]
        self.next = 0

    def add(self, count: int) -> None:
        if count <= 0:
            return
        rows = []
        for _ in range(count):
            collection_id, team_id, agent_id = self.targets[self.next % len(self.targets)]
            self.next += 1
            rows.append(
                {
                    "guid": new_guid("job"),
                    "team_id": team_id,
                    "collection_id": collection_id,
                    "agent_id": agent_id,
                    "tool": "photostats",
                    "parameters": {},
                    "progress": {},
                }
            )
        columns = [Job.__table__.c[name] for name in JOB_VIEW_COLUMNS]
        with Session(self.engine) as session:
            bulk = insert(Job).on_conflict_do_nothing().returning(*columns)
            made = session.execute(bulk, rows).all()
            events = (json.dumps(job_event(job, "state")) for job in made)
            for payload in notify_payloads(events):
                session.execute(select(func.pg_notify(CHANNEL, payload)))
            session.commit()

    def queued(self) -> int:
        with Session(self.engine) as session:
            return int(
                session.scalar(select(func.count()).select_from(Job).where(Job.status == "queued"))
                or 0
            )

    def analyze(self) -> None:
        """Statistics for the planner, as a database that has been running a while has them.
        Without, it plans for the empty tables of the set-up (autovacuum looks only once a
        minute) and scans the jobs and results the warm-up made, more of them at every call."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))

    def close(self) -> None:
        self.engine.dispose()
