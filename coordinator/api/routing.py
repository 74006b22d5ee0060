"""The route class of every API router: body limits, and answers declared where they arise.

A route built by ApiRoute
- reads its body through LimitedRequest, at most the limit its endpoint declares (413 beyond),
  gzip-compressed where the endpoint takes it so (415 elsewhere);
- declares in the OpenAPI document what its dependencies may answer (their `@answers`), the
  413 of its limit and the 415 of compressed bodies when it takes a body, the 422 of every
  request it validates and the 400 of a NUL character in its path or query, on top of what the
  route itself declares.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response, params
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_dependant
from fastapi.routing import APIRoute

from .answers import INVALID, Responses, answers_of, merge, problem
from .body_limits import LimitedRequest, describe, inflated_limit_of, limit_of
from .result_bodies import parsed_apart_of, read_apart

__all__ = ["ApiRoute"]


def _has_parameters(dependant: Dependant) -> bool:
    own = (
        dependant.path_params
        or dependant.query_params
        or dependant.header_params
        or dependant.cookie_params
        or dependant.body_params
    )
    return bool(own) or any(_has_parameters(sub) for sub in dependant.dependencies)


def _in_url(dependant: Dependant) -> bool:
    own = dependant.path_params or dependant.query_params
    return bool(own) or any(_in_url(sub) for sub in dependant.dependencies)


def _has_body(dependant: Dependant) -> bool:
    return bool(dependant.body_params) or any(_has_body(sub) for sub in dependant.dependencies)


def _body_answers(limit: int, inflated: int | None) -> list[Responses]:
    """The 413 of a route's body limit, and the 415 of a compressed body it does not take."""
    if inflated is None:
        too_large = f"the request body is larger than {describe(limit)}"
        unsupported = "the body came compressed (Content-Encoding): this route takes it plain"
    else:
        too_large = (
            f"the request body is larger than {describe(limit)}, or inflates (gzip) to more "
            f"than {describe(inflated)}"
        )
        unsupported = "the body came compressed otherwise than with gzip"
    return [problem(413, too_large), problem(415, unsupported)]


class ApiRoute(APIRoute):
    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        responses: Responses | None = None,
        dependencies: Sequence[params.Depends] | None = None,
        **options: Any,
    ) -> None:
        self.body_limit = limit_of(endpoint)
        self.inflated_limit = inflated_limit_of(endpoint)
        self.read_apart = read_apart if parsed_apart_of(endpoint) else None
        dependant = get_dependant(path=path, call=endpoint)
        for extra in dependencies or ():
            if extra.dependency is not None:
                dependant.dependencies.append(get_dependant(path=path, call=extra.dependency))
        implied = [answers_of(dependant)]
        if _has_body(dependant):
            implied += _body_answers(self.body_limit, self.inflated_limit)
        if _has_parameters(dependant):
            implied.append(INVALID)
        if _in_url(dependant):  # the NUL check of api/request_guard.py
            implied.append(problem(400, "a NUL character in the path or the query"))
        super().__init__(
            path,
            endpoint,
            responses=merge(*implied, responses or {}),
            dependencies=dependencies,
            **options,
        )

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        limit, inflated, apart = self.body_limit, self.inflated_limit, self.read_apart

        async def limited(request: Request) -> Response:
            return await handler(LimitedRequest(request, limit, inflated, read_apart=apart))

        return limited
