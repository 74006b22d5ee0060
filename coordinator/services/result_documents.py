"""A result document as the services store it: checked (signature, schema) and reduced to what
they read off a new result (ResultFacts), either here from a parsed payload (`Payload`: small
bodies, cheap) or in the parsing process from the raw bytes (`prepare`, run by parse_pool.py:
chunked uploads), so that the server process neither parses nor dumps a large one.

`prepare` runs in another process: it takes and returns only plain, picklable values, and
answers a bad document with today's messages instead of raising across the process boundary.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from shuttersense.common.protocol import signature_matches
from shuttersense.common.result_reading import read_tool_result
from shuttersense.common.results import ToolResult, result_counts

from ..errors import InvalidInput
from ..models.packed_json import pack
from ..vault import Vault
from . import trend_metrics
from .collection_stats import stats_of

__all__ = [
    "Payload",
    "Prepared",
    "ResultDocument",
    "ResultFacts",
    "Signing",
    "parse_tool_result",
    "prepare",
]


def parse_tool_result(payload: Mapping[str, Any]) -> ToolResult:
    """The payload as one of the `common` result schemas, an older schema version read as
    today's; InvalidInput says what is wrong."""
    try:
        return read_tool_result(payload)
    except ValidationError as exc:
        raise InvalidInput(f"the result does not follow its schema: {exc}") from None


@dataclass(frozen=True)
class ResultFacts:
    """What storing a result needs: its tool, counts and collection numbers, and its JSON as the
    results column stores it (packed when large: models/packed_json.py)."""

    tool: str
    files_scanned: int
    issues_found: int
    stats: dict[str, int]  # collection columns (collection_stats.py)
    stored: Any
    trend_counts: dict[str, Any]  # what the trends sum (trend_metrics.counts)

    @classmethod
    def of(cls, payload: Mapping[str, Any]) -> ResultFacts:
        """Validate `payload` (InvalidInput says what is wrong) and take its facts."""
        result = parse_tool_result(payload)
        files, issues = result_counts(result)
        tool, dumped = result.tool.value, result.model_dump(mode="json")
        counted = trend_metrics.counts(tool, dumped)
        return cls(tool, files, issues, stats_of(result), pack(dumped), counted)


class ResultDocument(Protocol):
    """A result as completion.py and results.py take it."""

    def signed(
        self,
        vault: Vault,
        sealed_secret: str,
        job_guid: str,
        input_state_hash: str | None,
        signature: str,
    ) -> bool:
        """Whether `signature` is the claim's (sealed_secret: the job's stored claim secret)."""
        ...

    def facts(self) -> ResultFacts:
        """The checked facts; InvalidInput when the result does not follow its schema."""
        ...


@dataclass(frozen=True)
class Payload:
    """A result parsed in this process (a small body): checked here, as it always was."""

    payload: dict[str, Any]

    def signed(
        self,
        vault: Vault,
        sealed_secret: str,
        job_guid: str,
        input_state_hash: str | None,
        signature: str,
    ) -> bool:
        secret = vault.decrypt(sealed_secret)
        return signature_matches(secret, job_guid, input_state_hash, self.payload, signature)

    def facts(self) -> ResultFacts:
        return ResultFacts.of(self.payload)


@dataclass(frozen=True)
class Signing:
    """The claim a document's signature is checked against, in the parsing process."""

    secret: str  # the claim secret, unsealed
    sealed: str  # as the job stores it: which claim the verdict is about
    job_guid: str
    input_state_hash: str | None
    signature: str


@dataclass(frozen=True)
class Prepared:
    """What the parsing process found in a document; the messages are today's."""

    not_json: str | None = None  # the document is not a JSON object
    signed_by: str | None = None  # the sealed secret whose claim signed it
    invalid: str | None = None  # the result does not follow its schema
    checked: ResultFacts | None = None

    def signed(
        self,
        vault: Vault,
        sealed_secret: str,
        job_guid: str,
        input_state_hash: str | None,
        signature: str,
    ) -> bool:
        # The verdict was reached for one claim: it says nothing about another.
        return self.signed_by is not None and self.signed_by == sealed_secret

    def facts(self) -> ResultFacts:
        if self.checked is None:
            raise InvalidInput(self.invalid or "the upload is not a result")
        return self.checked

    def raise_if_not_json(self) -> None:
        """InvalidInput when the document is not even a JSON object."""
        if self.not_json is not None:
            raise InvalidInput(self.not_json)


def prepare(document: bytes | bytearray, signing: Signing | None) -> Prepared:
    """Parse, check and reduce an uploaded document (in the parsing process)."""
    # A parsed document holds no reference cycles, only millions of new containers, each of
    # which would otherwise make the collector walk them all again and again.
    gc.disable()
    try:
        return _prepare(document, signing)
    finally:
        gc.enable()


def _prepare(document: bytes | bytearray, signing: Signing | None) -> Prepared:
    try:
        payload = json.loads(document)
    except ValueError as exc:  # UnicodeDecodeError included
        return Prepared(not_json=f"the upload is not JSON: {exc}")
    if not isinstance(payload, dict):
        return Prepared(not_json="the upload is not a JSON object")
    signed_by = None
    if signing is not None and signature_matches(
        signing.secret, signing.job_guid, signing.input_state_hash, payload, signing.signature
    ):
        signed_by = signing.sealed
    try:
        return Prepared(signed_by=signed_by, checked=ResultFacts.of(payload))
    except InvalidInput as exc:
        return Prepared(signed_by=signed_by, invalid=str(exc))
