"""The coordinator's user API (`/api`) as typed method calls, for every view of the app.

Blocking httpx calls: the app makes them on its worker pool, never on the UI thread. Every
transport failure and error status becomes one of the errors of `errors.py` here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import httpx
from pydantic import TypeAdapter, ValidationError

from shuttersense.desktop.agent.client import normalise_server_url

from .errors import (
    Invalid,
    NotAllowed,
    NotFound,
    NotShutterSense,
    Refused,
    ServerFailed,
    ServerUnreachable,
    SignInRequired,
    TooManyAttempts,
)
from .models import (
    Agent,
    Collection,
    Comparison,
    CreatedToken,
    Health,
    JobSummary,
    Pipeline,
    PipelineDetail,
    PipelinePreview,
    PoolStatus,
    QueuedAudit,
    RegistrationToken,
    RegistrationTokenInfo,
    ResultDetail,
    ResultSummary,
    SeriesPoint,
    Trend,
    TrendPoint,
    User,
    Validation,
)

__all__ = ["EXPORT_FORMATS", "UserApiClient"]

_TIMEOUT = 20.0
EXPORT_FORMATS = ("json", "yaml")
_adapter = cache(TypeAdapter)  # one validator per answer shape


def _detail(answer: httpx.Response) -> str:
    """The server's reason: FastAPI's `detail`, a 422's messages one a line, else the text."""
    try:
        detail = answer.json().get("detail", answer.text)
    except (ValueError, AttributeError):
        detail = answer.text
    if isinstance(detail, list):
        detail = "\n".join(_reason(item) for item in detail)
    return str(detail).strip()[:1000] or answer.reason_phrase


def _reason(item: Any) -> str:
    """One reason of a 422 (`{"loc": [...], "msg": ...}`), named after its field."""
    if not isinstance(item, dict):
        return str(item)
    where = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")]
    message = str(item.get("msg", item))
    return f"{'.'.join(where)}: {message}" if where else message


def _refused(status: int, detail: str, server: str) -> Refused:
    if status == 401:
        return SignInRequired(
            status, detail, f"the coordinator wants you to sign in again ({detail})"
        )
    if status == 403:
        return NotAllowed(
            status,
            detail,
            f"the coordinator refused: {detail} (only team admins may do this; ask one)",
        )
    if status == 404:
        return NotFound(status, detail, f"not found on {server}: {detail}")
    if status == 429:
        return TooManyAttempts(
            status, detail, f"too many attempts: {detail}; wait a minute, then try again"
        )
    return Invalid(status, detail, detail)


class UserApiClient:
    """One connection to a coordinator as a user (bearer API token, or the session cookie that
    `login` gets). `transport` lets tests answer without a network."""

    def __init__(
        self,
        server_url: str,
        token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        try:
            self.server_url = normalise_server_url(server_url)
        except ValueError as exc:
            raise Invalid(400, str(exc), str(exc)) from None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(
            base_url=self.server_url, headers=headers, timeout=_TIMEOUT, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> UserApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        accept: tuple[int, ...] = (),
    ) -> httpx.Response:
        """The answer of a call; an error status (but those in `accept`) raises an ApiError."""
        try:
            answer = self._http.request(method, path, json=json, params=params)
        except httpx.TransportError as exc:
            raise ServerUnreachable(
                f"cannot reach {self.server_url} ({type(exc).__name__}: {exc or 'no answer'}); "
                "check the address and your network, or whether the coordinator is running"
            ) from None
        status = answer.status_code
        if status < 400 or status in accept:
            return answer
        detail = _detail(answer)
        if status in (502, 503, 504):
            raise ServerUnreachable(
                f"{self.server_url} answered {status} ({detail}): the coordinator behind it is "
                "down or restarting; try again in a minute"
            )
        if status >= 500:
            raise ServerFailed(
                f"the coordinator failed ({status}: {detail}); try again, and if it keeps "
                "failing, tell its administrator (the server log has the details)"
            )
        raise _refused(status, detail, self.server_url)

    def _read(self, answer: httpx.Response, shape: Any) -> Any:
        """The answer's JSON as `shape`; NotShutterSense when it is not that."""
        try:
            return _adapter(shape).validate_python(answer.json())
        except (ValueError, ValidationError):
            raise NotShutterSense(
                f"{self.server_url}{answer.request.url.path} answered something the app does "
                "not understand: is this the address of a ShutterSense coordinator, and is it "
                "as new as the app?"
            ) from None

    # -- the server itself --------------------------------------------------------------------

    def health(self) -> Health:
        """`/health`; NotShutterSense when the URL answers with something else, ServerFailed
        when the coordinator answers that its database cannot be reached."""
        try:
            answer = self._call("GET", "/health", accept=(503,))
        except NotFound:
            raise NotShutterSense(
                f"{self.server_url} answers, but has no /health: check the address of your "
                "team's ShutterSense coordinator"
            ) from None
        if answer.status_code == 503:
            try:
                health = self._read(answer, Health)
            except NotShutterSense:  # a proxy's 503: the coordinator behind it is not there
                raise ServerUnreachable(
                    f"{self.server_url} answered 503: the coordinator behind it is down or "
                    "restarting; try again in a minute"
                ) from None
            raise ServerFailed(
                f"the coordinator at {self.server_url} runs, but its database is "
                f"{health.database}: tell its administrator, then try again"
            )
        return self._read(answer, Health)

    # -- signing in ---------------------------------------------------------------------------

    def login(self, email: str, password: str) -> User:
        """Sign in; the session cookie stays in this client for `create_token`."""
        try:
            answer = self._call(
                "POST", "/api/auth/login", json={"email": email, "password": password}
            )
        except SignInRequired as exc:
            raise SignInRequired(
                exc.status, exc.detail, "the e-mail address or the password is wrong; try again"
            ) from None
        return self._read(answer, User)

    def logout(self) -> None:
        self._call("POST", "/api/auth/logout")

    def create_token(self, name: str) -> CreatedToken:
        return self._read(self._call("POST", "/api/auth/tokens", json={"name": name}), CreatedToken)

    def revoke_token(self, guid: str) -> None:
        self._call("DELETE", f"/api/auth/tokens/{guid}")

    def me(self) -> User:
        return self._read(self._call("GET", "/api/auth/me"), User)

    # -- the team's things --------------------------------------------------------------------

    def collections(self) -> list[Collection]:
        return self._read(self._call("GET", "/api/collections"), list[Collection])

    def results(
        self, *, collection: str | None = None, tool: str | None = None
    ) -> list[ResultSummary]:
        """Newest first (the coordinator gives at most 200)."""
        params = {k: v for k, v in (("collection", collection), ("tool", tool)) if v}
        return self._read(self._call("GET", "/api/results", params=params), list[ResultSummary])

    def jobs(self, *, status: str | None = None) -> list[JobSummary]:
        params = {"status": status} if status else None
        return self._read(self._call("GET", "/api/jobs", params=params), list[JobSummary])

    def trend_points(self, tool: str, *, days: int = 1) -> list[TrendPoint]:
        """The team's aggregated trend of `tool` over the last `days` days (fill-forward)."""
        answer = self._call("GET", f"/api/trends/{tool}", params={"limit": days})
        return self._read(answer, Trend).points

    def pool_status(self) -> PoolStatus:
        """The seed's pool status, which the coordinator also gives a signed-in user."""
        return self._read(self._call("GET", "/api/agent/v1/pool-status"), PoolStatus)

    def create_registration_token(self, *, expires_hours: int = 1) -> RegistrationToken:
        """A one-time `art_…` token (team admins only: NotAllowed otherwise)."""
        body = {"expires_hours": expires_hours}
        answer = self._call("POST", "/api/agents/registration-tokens", json=body)
        return self._read(answer, RegistrationToken)

    def registration_tokens(self) -> list[RegistrationTokenInfo]:
        answer = self._call("GET", "/api/agents/registration-tokens")
        return self._read(answer, list[RegistrationTokenInfo])

    # -- collections and their results ----------------------------------------------------------

    def assign_pipeline(self, collection: str, pipeline: str | None) -> Collection:
        """Check `collection` against `pipeline` (its current version); None: the team default."""
        body = {"pipeline": pipeline, "version": None}
        answer = self._call("PUT", f"/api/collections/{collection}/pipeline", json=body)
        return self._read(answer, Collection)

    def move_collection(self, collection: str, agent: str) -> Collection:
        """Bind `collection` (its results and queued jobs kept) to another agent of the team."""
        answer = self._call("PATCH", f"/api/collections/{collection}", json={"agent": agent})
        return self._read(answer, Collection)

    def run_audit(self, collection: str, tools: Sequence[str] | None = None) -> QueuedAudit:
        """Queue `tools` (None: every tool that applies) on `collection` as one audit: its agent
        lists the collection once and delivers their results together. A tool queued or
        running there already keeps its job (`unfinished`)."""
        body = {"tools": None if tools is None else list(tools)}
        answer = self._call("POST", f"/api/collections/{collection}/audits", json=body)
        return self._read(answer, QueuedAudit)

    def result(self, guid: str) -> ResultDetail:
        return self._read(self._call("GET", f"/api/results/{guid}"), ResultDetail)

    def collection_report(self, collection: str) -> str:
        """The collection's self-contained HTML report: the newest analysed result of each
        tool in one page (Invalid, 409, while it has none)."""
        return self._call("GET", f"/api/collections/{collection}/report").text

    def collection_trend(self, tool: str, collection: str, *, days: int = 90) -> list[SeriesPoint]:
        """`tool`'s points on one collection over the last `days` days, oldest first."""
        params = {"collection_guids": collection, "limit": days}
        trend = self._read(self._call("GET", f"/api/trends/{tool}", params=params), Comparison)
        return trend.series[0].points if trend.series else []

    # -- jobs ---------------------------------------------------------------------------------

    def cancel_job(self, guid: str) -> JobSummary:
        return self._read(self._call("POST", f"/api/jobs/{guid}/cancel"), JobSummary)

    def retry_job(self, guid: str) -> JobSummary:
        return self._read(self._call("POST", f"/api/jobs/{guid}/retry"), JobSummary)

    # -- pipelines ----------------------------------------------------------------------------

    def pipelines(self) -> list[Pipeline]:
        return self._read(self._call("GET", "/api/pipelines"), list[Pipeline])

    def pipeline(self, guid: str) -> PipelineDetail:
        return self._read(self._call("GET", f"/api/pipelines/{guid}"), PipelineDetail)

    def create_pipeline(
        self, name: str, definition: dict[str, Any], description: str = ""
    ) -> PipelineDetail:
        body = {"name": name, "description": description, "definition": definition}
        return self._read(self._call("POST", "/api/pipelines", json=body), PipelineDetail)

    def update_pipeline(
        self, guid: str, definition: dict[str, Any], description: str | None = None
    ) -> PipelineDetail:
        """A new version; an invalid definition is kept, and the pipeline made inactive."""
        body = {"definition": definition, "description": description}
        return self._read(self._call("PUT", f"/api/pipelines/{guid}", json=body), PipelineDetail)

    def validate_pipeline(self, definition: dict[str, Any]) -> Validation:
        """The server's validator on a definition that is not stored."""
        body = {"definition": definition}
        return self._read(self._call("POST", "/api/pipelines/validate", json=body), Validation)

    def import_pipeline(self, text: str, name: str | None = None) -> PipelineDetail:
        """A new pipeline from a JSON or YAML document."""
        body = {"text": text, "name": name}
        return self._read(self._call("POST", "/api/pipelines/import", json=body), PipelineDetail)

    def export_pipeline(self, guid: str, format: str) -> str:
        """The current version as a JSON or YAML document that `import_pipeline` reads back."""
        if format not in EXPORT_FORMATS:
            raise Invalid(400, "format", f"export as {' or '.join(EXPORT_FORMATS)}, not {format}")
        params = {"format": format}
        return self._call("GET", f"/api/pipelines/{guid}/export", params=params).text

    def preview_pipeline(self, guid: str, base: str, suffix: str = "") -> PipelinePreview:
        """The files an image named `base` should have on each path of the pipeline."""
        params = {"base": base, "suffix": suffix}
        answer = self._call("GET", f"/api/pipelines/{guid}/preview", params=params)
        return self._read(answer, PipelinePreview)

    # -- agents (renaming and revoking: team admins only) -------------------------------------

    def agents(self) -> list[Agent]:
        return self._read(self._call("GET", "/api/agents"), list[Agent])

    def rename_agent(self, guid: str, name: str) -> Agent:
        answer = self._call("PATCH", f"/api/agents/{guid}", json={"name": name})
        return self._read(answer, Agent)

    def revoke_agent(self, guid: str) -> Agent:
        return self._read(self._call("POST", f"/api/agents/{guid}/revoke"), Agent)
