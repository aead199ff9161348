"""Metric series: the points a Run or a Deployment logs, and the summary kept per series.

A series is (owner, name). Points are (step, value, timestamp) and arrive in batches of thousands, so
they are stored columnar, a chunk per batch, never a node per point; the summary (last, min, max,
count) is maintained as batches arrive, so "best val_auc" never reads the points.

Non-finite values (NaN, Infinity, -Infinity) are stored as such: a diverging loss is information, not
bad input. JSON cannot carry them, so the API takes and gives them as the strings "NaN", "Infinity" and
"-Infinity". NaN never becomes a series' min or max (they skip it, like numpy's nanmin/nanmax); it can
be the `last` value. Anything else that is not a number is BAD_INPUT naming the point.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from .errors import BadInput, LimitExceeded

MAX_POINTS_PER_CALL = 100_000
MAX_SERIES_PER_CALL = 1_000
CHUNK_POINTS = 10_000  # points per stored chunk: one list property stays well under Neo4j's comfort size
MAX_POINTS_READ = 100_000
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:/@ -]{0,254}$")
_SPECIAL = {"nan": math.nan, "infinity": math.inf, "+infinity": math.inf, "-infinity": -math.inf,
            "inf": math.inf, "+inf": math.inf, "-inf": -math.inf}


class Comparison(Enum):
    """The closed set of comparisons a filter may use (mapped to Cypher by CASE, never by string)."""

    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"
    EQ = "EQ"
    NE = "NE"

    def holds(self, left: float, right: float) -> bool:
        """NaN never satisfies a comparison, NE included (a NaN reading is not evidence of anything)."""
        if math.isnan(left) or math.isnan(right):
            return False
        return {
            Comparison.LT: left < right,
            Comparison.LTE: left <= right,
            Comparison.GT: left > right,
            Comparison.GTE: left >= right,
            Comparison.EQ: left == right,
            Comparison.NE: left != right,
        }[self]


class MetricAggregate(Enum):
    LAST = "LAST"
    MIN = "MIN"
    MAX = "MAX"


def check_metric_name(name: Any, field: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise BadInput(
            f"{field}: {name!r} is not a metric name (1-255 letters, digits, '_', '.', ':', '/', '@', '-' or spaces)",
            field=field,
        )
    return name


def parse_metric_value(value: Any, field: str) -> float:
    """A number, or one of "NaN", "Infinity", "-Infinity" (case-insensitive; "inf" too)."""
    if isinstance(value, bool):
        raise BadInput(f"{field}: {value!r} is a boolean, not a number", field=field)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value.strip().lower() in _SPECIAL:
        return _SPECIAL[value.strip().lower()]
    raise BadInput(f"{field}: {value!r} is not a number (non-finite values are \"NaN\", \"Infinity\", \"-Infinity\")", field=field)


def metric_value_out(value: float | None) -> float | str | None:
    """The wire form: finite floats as numbers, the rest as the strings the input accepts."""
    if value is None or math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def epoch_millis(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def from_epoch_millis(millis: int | None) -> datetime | None:
    return None if millis is None else datetime.fromtimestamp(millis / 1000, UTC)


@dataclass(frozen=True)
class MetricBatch:
    """Points of one series, validated: equal-length columns. Steps None means "continue the series":
    the store numbers the points from the series' last step + 1 (from 0 for a new series)."""

    name: str
    values: list[float]
    steps: list[int] | None
    timestamps: list[int]  # epoch milliseconds

    def chunks(self) -> list[dict[str, Any]]:
        """Rows for the store: at most CHUNK_POINTS points each, with their offset in the batch."""
        rows = []
        for index, start in enumerate(range(0, len(self.values), CHUNK_POINTS)):
            end = start + CHUNK_POINTS
            rows.append(
                {
                    "index": index,
                    "offset": start,
                    "values": self.values[start:end],
                    "steps": None if self.steps is None else self.steps[start:end],
                    "timestamps": self.timestamps[start:end],
                }
            )
        return rows

    def summary(self) -> dict[str, Any]:
        """What the stored summary needs from this batch: finite-aware min/max and the last point
        (largest step, then latest timestamp, then logged last)."""
        finite_or_inf = [v for v in self.values if not math.isnan(v)]
        if self.steps is None:
            last = len(self.values) - 1
        else:
            last = max(range(len(self.values)), key=lambda i: (self.steps[i], self.timestamps[i], i))
        return {
            "min": min(finite_or_inf) if finite_or_inf else None,
            "max": max(finite_or_inf) if finite_or_inf else None,
            "lastIndex": last,
            "lastStep": None if self.steps is None else self.steps[last],
            "lastValue": self.values[last],
            "lastTimestamp": self.timestamps[last],
            "count": len(self.values),
        }


def parse_batches(raw: list[dict[str, Any]], now: datetime, where: str = "metrics") -> list[MetricBatch]:
    """Validates columnar input [{name, values, steps?, timestamps?}], merging repeated names in order.

    Every problem is BAD_INPUT naming the exact place, e.g. `metrics[2].values[17]`."""
    if len(raw) > MAX_SERIES_PER_CALL:
        raise LimitExceeded(f"{where}: at most {MAX_SERIES_PER_CALL} series per call, got {len(raw)}", field=where)
    total = sum(len(item.get("values") or []) for item in raw)
    if total > MAX_POINTS_PER_CALL:
        raise LimitExceeded(f"{where}: at most {MAX_POINTS_PER_CALL} points per call, got {total}", field=where)
    default_ts = epoch_millis(now)
    merged: dict[str, MetricBatch] = {}
    for i, item in enumerate(raw):
        field = f"{where}[{i}]"
        name = check_metric_name(item.get("name"), f"{field}.name")
        values_in = item.get("values") or []
        if not values_in:
            raise BadInput(f"{field}.values: give at least one value", field=f"{field}.values")
        values = [parse_metric_value(v, f"{field}.values[{j}]") for j, v in enumerate(values_in)]
        steps = item.get("steps")
        if steps is not None:
            if len(steps) != len(values):
                raise BadInput(
                    f"{field}.steps: {len(steps)} steps for {len(values)} values; give one step per value or none",
                    field=f"{field}.steps",
                )
            for j, step in enumerate(steps):
                if isinstance(step, bool) or not isinstance(step, int) or step < 0:
                    raise BadInput(f"{field}.steps[{j}]: {step!r} is not a step (an integer >= 0)", field=f"{field}.steps[{j}]")
        millis = _timestamps(item.get("timestamps"), item.get("epochMillis"), len(values), field, default_ts)
        if name in merged:
            before = merged[name]
            if (before.steps is None) != (steps is None):
                raise BadInput(
                    f"{field}.steps: series {name!r} appears twice in this call, once with steps and once without",
                    field=f"{field}.steps",
                )
            merged[name] = MetricBatch(
                name,
                before.values + values,
                None if steps is None else before.steps + list(steps),
                before.timestamps + millis,
            )
        else:
            merged[name] = MetricBatch(name, values, None if steps is None else list(steps), millis)
    return list(merged.values())


def _timestamps(stamps: list[datetime] | None, millis: list[float] | None, count: int, field: str, default: int) -> list[int]:
    """Epoch milliseconds per point, from `timestamps` (DateTime) or `epochMillis` (numbers: cheaper to
    send and parse for big batches), or the server's time for all."""
    if stamps is not None and millis is not None:
        raise BadInput(f"{field}.epochMillis: give timestamps or epochMillis, not both", field=f"{field}.epochMillis")
    given, name = (stamps, "timestamps") if stamps is not None else (millis, "epochMillis")
    if given is None:
        return [default] * count
    if len(given) != count:
        raise BadInput(
            f"{field}.{name}: {len(given)} {name} for {count} values; give one per value or none", field=f"{field}.{name}"
        )
    if stamps is not None:
        return [epoch_millis(t) for t in stamps]
    for j, ms in enumerate(millis):
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not math.isfinite(ms):
            raise BadInput(f"{field}.epochMillis[{j}]: {ms!r} is not a time in epoch milliseconds", field=f"{field}.epochMillis[{j}]")
    return [int(ms) for ms in millis]


@dataclass(frozen=True)
class MetricSummary:
    """A series as the summary keeps it (no points)."""

    name: str
    last: float | None
    last_step: int | None
    last_timestamp: datetime | None
    min: float | None
    max: float | None
    count: int


@dataclass(frozen=True)
class MetricPoint:
    step: int
    value: float
    timestamp: datetime


def summary_from_record(record: dict[str, Any]) -> MetricSummary:
    return MetricSummary(
        name=record["name"],
        last=record.get("last"),
        last_step=record.get("lastStep"),
        last_timestamp=from_epoch_millis(record.get("lastTimestamp")),
        min=record.get("min"),
        max=record.get("max"),
        count=record.get("count") or 0,
    )
