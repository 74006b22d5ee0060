"""Response bodies of `/api/trends`: per-collection series or daily aggregates, and summaries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from .base import Body

__all__ = ["TrendOut", "TrendSummaryOut"]


class _Out(Body):
    model_config = ConfigDict(extra="forbid", from_attributes=True)


class TrendWindow(_Out):
    start: date
    end: date


class ComparisonPoint(_Out):
    date: date
    created_at: datetime
    no_change: bool = Field(description="a NO_CHANGE copy of an earlier result")
    pipeline: str | None = Field(description="pipeline GUID (Pipeline Validation)")
    pipeline_version: int | None
    metrics: dict[str, Any]


class CollectionSeries(_Out):
    collection: str = Field(description="the collection's GUID")
    points: list[ComparisonPoint]


class DayPoint(_Out):
    date: date
    metrics: dict[str, Any] | None = Field(description="null: no collection had data yet")
    collections: int = Field(description="collections with a known value on this day")
    calculated_count: int = Field(description="values carried forward from an earlier day")
    no_change_count: int = Field(description="NO_CHANGE copies among this day's own results")
    has_transition: bool = Field(
        description="a real result after a day that had only NO_CHANGE copies"
    )


class TrendOut(_Out):
    tool: str
    mode: Literal["comparison", "aggregated"]
    window: TrendWindow | None = Field(description="the days shown; null when there is no data")
    series: list[CollectionSeries] = Field(description="comparison mode: one per collection")
    points: list[DayPoint] = Field(description="aggregated mode: one per day of the window")


class StablePeriod(_Out):
    stable: bool = Field(description="every collection's newest result is a NO_CHANGE copy")
    days: int | None = Field(description="days since the newest real result (rounded up)")


class TrendSummaryOut(_Out):
    tool: str
    metric: str | None = Field(description="the value followed; null for Photo Pairing")
    direction: Literal["improving", "degrading", "stable", "insufficient_data"] | None
    data_points: int = Field(description="days with a result of their own in the window")
    stable: StablePeriod
    last_result_at: datetime | None
