"""Request bodies that carry whole results, read in the parsing process when they are large.

`POST /jobs/{guid}/complete`, `POST /results` and an audit's `complete` take results sent whole
(up to RESULT_BODY). Above PARSED_APART_ABOVE bytes such a body is parsed in the parsing
process (parse_pool.py, services/body_results.py) instead of on the event loop: the server
process gets the body back without its results, so FastAPI validates the envelope as always,
with the same 422 answers, and the endpoint takes each result by its marker (`document_of`).
A smaller body is parsed here, as before: it is cheap.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ..services.body_results import BodyResult, ParsedBody, parse_body, taken_document
from ..services.result_documents import ResultDocument

__all__ = ["PARSED_APART_ABOVE", "document_of", "parsed_apart", "parsed_apart_of", "read_apart"]

PARSED_APART_ABOVE = 256 * 1024  # bytes of body
_ATTRIBUTE = "__shuttersense_parsed_apart__"
E = TypeVar("E", bound=Callable[..., Any])


def parsed_apart(endpoint: E) -> E:
    """Declare that `endpoint`'s body holds results sent whole, read apart when large."""
    setattr(endpoint, _ATTRIBUTE, True)
    return endpoint


def parsed_apart_of(endpoint: Callable[..., Any]) -> bool:
    return bool(getattr(endpoint, _ATTRIBUTE, False))


async def read_apart(request: Request, raw: bytes) -> Any:
    """The body's JSON; a large body's results read in the parsing process (JSONDecodeError, as
    json.loads raises it, when it is not JSON)."""
    if len(raw) <= PARSED_APART_ABOVE:
        return json.loads(raw)
    parsed: ParsedBody = await run_in_threadpool(request.app.state.parse_pool.run, parse_body, raw)
    if parsed.not_json is not None:
        message, position, _ = parsed.not_json
        raise json.JSONDecodeError(message, "", position)
    request.state.body_results = parsed.results
    return parsed.body


def document_of(request: Request, result: dict[str, Any]) -> ResultDocument:
    """A result of the body as the services take it: read apart, or parsed here."""
    taken: list[BodyResult] = getattr(request.state, "body_results", [])
    return taken_document(taken, result)
