"""The error answers of the API, as its OpenAPI document declares them.

Every refusal but a 422 is `{"detail": "what happened and what to do"}` (Problem); every 422 is
FastAPI's list of problems (Invalid), whether the request's shape or a service refused it. A
dependency declares what it may answer with `@answers(...)`; each route adds them to its own
(coordinator/api/routing.py), so a route cannot forget the 401 of the sign-in it requires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from fastapi.dependencies.models import Dependant
from pydantic import BaseModel, Field

__all__ = [
    "INVALID",
    "TOO_MANY",
    "UNAUTHORIZED",
    "Invalid",
    "InvalidItem",
    "Problem",
    "Responses",
    "answers",
    "answers_of",
    "merge",
    "problem",
]

Responses = dict[int | str, dict[str, Any]]
C = TypeVar("C", bound=Callable[..., Any])
_ATTRIBUTE = "__shuttersense_answers__"


class Problem(BaseModel):
    detail: str = Field(description="what happened, and what to do next")


class InvalidItem(BaseModel):
    loc: list[str | int] = Field(description="where: `body`, `query` or `path` and the field")
    msg: str
    type: str
    input: Any = None
    ctx: dict[str, Any] | None = None


class Invalid(BaseModel):
    detail: list[InvalidItem]


def problem(status: int, description: str) -> Responses:
    """A documented `{"detail": …}` answer."""
    return {status: {"model": Problem, "description": description}}


UNAUTHORIZED = problem(401, "not signed in, or the token or key is invalid, expired or revoked")
TOO_MANY = problem(429, "too many attempts: wait the `Retry-After` seconds")
INVALID: Responses = {
    422: {"model": Invalid, "description": "the request is malformed or makes no sense"}
}


def merge(*declared: Responses) -> Responses:
    """The responses together; a later declaration of a status refines an earlier one."""
    merged: Responses = {}
    for responses in declared:
        for status, response in responses.items():
            merged[status] = {**merged.get(status, {}), **response}
    return merged


def answers(*responses: Responses) -> Callable[[C], C]:
    """Declare what the decorated dependency may answer instead of the route."""

    def declare(dependency: C) -> C:
        setattr(dependency, _ATTRIBUTE, merge(*responses))
        return dependency

    return declare


def _calls(dependant: Dependant) -> Iterable[Callable[..., Any]]:
    """Deepest first: a dependency refines what the ones it builds on declared."""
    for sub in dependant.dependencies:
        yield from _calls(sub)
        if sub.call is not None:
            yield sub.call


def answers_of(dependant: Dependant) -> Responses:
    """What the dependencies of `dependant` declared they may answer."""
    return merge(*(getattr(call, _ATTRIBUTE, {}) for call in _calls(dependant)))
