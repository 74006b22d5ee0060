"""Collection schedules, `/api/collections/{guid}/schedule`, and "run all now" for the team,
`/api/collections/run-all`."""

from __future__ import annotations

from fastapi import APIRouter

from ..schemas.schedules import RunAllOut, ScheduleIn, ScheduleOut
from ..services import job_admin, scheduler, schedules
from ..services.schedule_times import WEEKDAYS, Slot
from .deps import CurrentUser, Now, SessionDep
from .jobs import job_out
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/collections", tags=["schedules"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}
_NOT_FOUND = {404: {"description": "no such collection in your team"}}


def _slot(body: ScheduleIn) -> Slot | None:
    if body.kind == "none":
        return None
    if body.kind == "hourly":
        return Slot("hourly", body.minute or 0)
    hour, minute = (int(part) for part in (body.time or "").split(":"))
    weekday = WEEKDAYS.index(body.weekday) if body.weekday else None
    return Slot(body.kind, minute, hour=hour, weekday=weekday)


def _out(view: schedules.ScheduleView) -> ScheduleOut:
    # The fields the kind does not use are null; the others as the audit log records them.
    return ScheduleOut.model_validate(
        {
            "time": None,
            "minute": None,
            "weekday": None,
            **schedules.slot_details(view.slot),
            "time_zone": view.time_zone,
            "next_run_at": view.next_run_at,
            "last_run_at": view.last_run_at,
        }
    )


@router.get(
    "/{guid}/schedule", response_model=ScheduleOut, responses={**_UNAUTHORIZED, **_NOT_FOUND}
)
def get_schedule(guid: str, user: CurrentUser, session: SessionDep) -> ScheduleOut:
    """When the collection's tools are queued by themselves, and when next."""
    return _out(schedules.get_schedule(session, user.team_id, guid))


@router.put(
    "/{guid}/schedule",
    response_model=ScheduleOut,
    responses={
        **_UNAUTHORIZED,
        **_NOT_FOUND,
        409: {"description": "the schedule was changed at the same time: retry"},
        422: {"description": "a field the kind does not take, or one it needs is missing"},
    },
)
def set_schedule(
    guid: str, body: ScheduleIn, user: CurrentUser, session: SessionDep, now: Now
) -> ScheduleOut:
    """Hourly at a minute, daily at a time, weekly on a day at a time (on the team's clock), or
    none. Each time it is due, every tool that applies is queued, except one still queued or
    running there."""
    return _out(schedules.set_schedule(session, user, guid, _slot(body), now))


@router.post("/run-all", response_model=RunAllOut, responses=_UNAUTHORIZED)
def run_all(user: CurrentUser, session: SessionDep) -> RunAllOut:
    """Queue every tool that applies on every collection of the team now; tools still queued
    or running keep their job."""
    done = scheduler.run_all_now(session, user)
    guids = job_admin.collection_guids(
        session, (q.job.collection_id for q in done.created + done.unfinished)
    )
    return RunAllOut(
        queued=[job_out(q.job, guids.get(q.job.collection_id or 0)) for q in done.created],
        unfinished=[job_out(q.job, guids.get(q.job.collection_id or 0)) for q in done.unfinished],
    )
