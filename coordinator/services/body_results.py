"""Results inside a request body or an audit's outcomes, read in the parsing process.

`parse_body` (run by parse_pool.py) parses a body that carries results sent whole (a job's
`complete`, an offline result, an audit's outcomes, uploaded or not), `parse_result` an upload
that is one result. Each result is taken out: it is made canonical (what its signature
covers), validated, counted and packed for storage (result_documents.py), and its place in the
body is taken by a small marker. The server process gets back the body without its results,
validates the envelope as always, and takes each result by its marker (`taken_document`).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shuttersense.common.protocol import canonical_json, canonical_signature_matches

from ..errors import InvalidInput
from ..vault import Vault
from .result_documents import Payload, ResultDocument, ResultFacts

__all__ = ["BodyResult", "ParsedBody", "parse_body", "parse_result", "taken_document"]

_MARK = "$parsed_apart"  # no result has such a key: theirs are identifiers


@dataclass(frozen=True)
class BodyResult:
    """A result of a body read in the parsing process: its canonical JSON and what was found."""

    canonical: bytes = field(repr=False)
    checked: ResultFacts | None = None
    invalid: str | None = None

    def signed(
        self,
        vault: Vault,
        sealed_secret: str,
        job_guid: str,
        input_state_hash: str | None,
        signature: str,
    ) -> bool:
        secret = vault.decrypt(sealed_secret)
        return canonical_signature_matches(
            secret, job_guid, input_state_hash, self.canonical, signature
        )

    def facts(self) -> ResultFacts:
        if self.checked is None:
            raise InvalidInput(self.invalid or "the result is not a result")
        return self.checked


@dataclass(frozen=True)
class ParsedBody:
    """The body without its results (each replaced by a marker), or why it is not JSON."""

    body: Any = None
    results: list[BodyResult] = field(default_factory=list)
    # Why the body is not JSON: json's message and position, and the whole sentence (with the
    # line and column); not the exception itself, which would carry the document back.
    not_json: tuple[str, int, str] | None = None

    def raise_if_not_json(self, what: str) -> None:
        """InvalidInput when the body is not JSON, told as `what` ("the upload")."""
        if self.not_json is not None:
            raise InvalidInput(f"{what} is not JSON: {self.not_json[2]}")


def _take(holder: dict[str, Any], results: list[BodyResult]) -> None:
    value = holder.get("result")
    if not isinstance(value, dict):
        return  # left in place: the envelope's validation says what is wrong
    canonical = canonical_json(value)
    try:
        found = BodyResult(canonical, checked=ResultFacts.of(value))
    except InvalidInput as exc:
        found = BodyResult(canonical, invalid=str(exc))
    holder["result"] = {_MARK: len(results)}
    results.append(found)


def parse_body(raw: bytes | bytearray) -> ParsedBody:
    """In the parsing process: the body's results taken out, each read (see the module)."""

    def take(body: Any, results: list[BodyResult]) -> Any:
        if isinstance(body, dict):
            _take(body, results)
            outcomes = body.get("outcomes")
            for outcome in outcomes if isinstance(outcomes, list) else ():
                if isinstance(outcome, dict):
                    _take(outcome, results)
        return body

    return _parsed(raw, take)


def parse_result(raw: bytes | bytearray) -> ParsedBody:
    """In the parsing process: an upload that is one result (a job's, or an offline one), read
    as a body's results are; a JSON object is `results[0]`, its body a marker standing for it."""

    def take(document: Any, results: list[BodyResult]) -> Any:
        if not isinstance(document, dict):
            return document
        holder = {"result": document}
        _take(holder, results)
        return holder

    return _parsed(raw, take)


def _parsed(raw: bytes | bytearray, take: Callable[[Any, list[BodyResult]], Any]) -> ParsedBody:
    # A parsed document holds no reference cycles, only millions of new containers, each of
    # which would otherwise make the collector walk them all again and again.
    gc.disable()
    try:
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as exc:
            return ParsedBody(not_json=(exc.msg, exc.pos, str(exc)))
        except ValueError as exc:  # not UTF-8
            return ParsedBody(not_json=(str(exc), 0, str(exc)))
        results: list[BodyResult] = []
        return ParsedBody(take(document, results), results)
    finally:
        gc.enable()


def taken_document(results: list[BodyResult], result: dict[str, Any]) -> ResultDocument:
    """The result a marker stands for in a body read by `parse_body`; any other result (a
    small body's, or a marker nobody made) as a payload read here."""
    place = result.get(_MARK) if len(result) == 1 else None
    if isinstance(place, int) and not isinstance(place, bool) and 0 <= place < len(results):
        return results[place]
    return Payload(result)
