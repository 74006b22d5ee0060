"""Pages from the package's Jinja2 templates, every name in them escaped.

The environment escapes every value placed in a template (autoescape), and fails on a name the
template uses but was not given (StrictUndefined) instead of printing nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from shuttersense.common.report.document import TOOL_TITLES
from shuttersense.common.report.format import format_count, format_percent, format_size

from .assets import Assets
from .notices import notice_of
from .security import dashboard_headers

__all__ = ["Dashboard"]


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def _count(value: int | None) -> str:
    return "–" if value is None else format_count(value)


def _headline(value: float, metric: str) -> str:
    """A value a trend follows: a share in percent, else a count."""
    return format_percent(value) if metric.endswith("_ratio") else format_count(int(value))


def _size(value: int | None) -> str:
    return "–" if value is None else format_size(value)


class Dashboard:
    """The dashboard's templates and static files, built once per app."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        self.env = Environment(
            loader=PackageLoader(__package__ or "", "templates"),
            autoescape=select_autoescape(["html"], default_for_string=True, default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["asset"] = assets.url
        self.env.filters.update(
            when=_when,
            num=_count,
            size=_size,
            headline=_headline,
            tool=lambda t: TOOL_TITLES.get(t, t),
        )

    def render(
        self, request: Request, template: str, *, http_status: int = 200, **context: Any
    ) -> HTMLResponse:
        """The template as a page no cache keeps (pages show the team's data), with the notice
        the address names, if any."""
        context.setdefault("notice", notice_of(request))
        body = self.env.get_template(template).render(path=request.url.path, **context)
        headers = {**dashboard_headers(), "Cache-Control": "no-store"}
        return HTMLResponse(body, status_code=http_status, headers=headers)
