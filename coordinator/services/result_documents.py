"""A result document as the services store it: checked (signature, schema) and reduced to what
they read off a new result (ResultFacts), either here from a parsed payload (`Payload`: small
bodies, cheap) or in the parsing process from the raw bytes (body_results.py: large bodies and
chunked uploads), so that the server process neither parses nor dumps a large one.
"""

from __future__ import annotations

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

__all__ = ["Payload", "ResultDocument", "ResultFacts", "parse_tool_result"]


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
