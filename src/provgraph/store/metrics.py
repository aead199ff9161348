"""Metric series repository (cypher/metrics.cypher), shared by runs and deployment monitoring."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..domain.metrics import MetricBatch, MetricPoint, MetricSummary, from_epoch_millis, summary_from_record
from .database import Tx


async def append(tx: Tx, owner_id: str, batches: list[MetricBatch]) -> list[MetricSummary]:
    """Appends every batch (one per series name) in one statement; returns the updated summaries."""
    if not batches:
        return []
    rows = [{"name": b.name, "chunks": b.chunks(), **b.summary()} for b in batches]
    records = await tx.records("append_metric_points", ownerId=owner_id, series=rows)
    return [summary_from_record(r["series"]) for r in records]


async def summaries(tx: Tx, owner_ids: list[str], names: list[str] | None = None) -> dict[str, list[MetricSummary]]:
    """owner id -> its series summaries (by name), for many owners in one query."""
    found: dict[str, list[MetricSummary]] = defaultdict(list)
    for record in await tx.records("metric_summaries", ownerIds=owner_ids, names=names):
        found[record["ownerId"]].append(summary_from_record(record["series"]))
    return found


async def points(tx: Tx, owner_id: str, name: str, limit: int) -> list[MetricPoint]:
    record = await tx.single("metric_points", ownerId=owner_id, name=name, limit=limit)
    if record is None:
        return []
    return [
        MetricPoint(step=step, value=value, timestamp=from_epoch_millis(ts))
        for step, value, ts in zip(record["steps"], record["values"], record["timestamps"], strict=True)
    ]


@dataclass(frozen=True)
class SeriesPoints:
    """The points of one series as read: all of them, or a downsample of `count` points."""

    points: list[MetricPoint]
    count: int  # points the series holds (each retried identical point once)

    @property
    def downsampled(self) -> bool:
        return len(self.points) < self.count


async def downsampled(tx: Tx, wanted: list[tuple[str, str]], max_points: int) -> dict[tuple[str, str], SeriesPoints]:
    """(owner id, name) -> at most `max_points` of that series' points, downsampled in Cypher when it has
    more, for many series in one query; a series that does not exist is left out."""
    if not wanted:
        return {}
    series = [{"ownerId": owner, "name": name} for owner, name in dict.fromkeys(wanted)]
    found = {}
    for r in await tx.records("metric_points_downsampled", series=series, maxPoints=max_points):
        points = [
            MetricPoint(step=step, value=value, timestamp=from_epoch_millis(ts))
            for step, value, ts in zip(r["steps"], r["values"], r["timestamps"], strict=True)
        ]
        found[(r["ownerId"], r["name"])] = SeriesPoints(points, r["count"])
    return found


async def tails(tx: Tx, owner_id: str, names: list[str], limit: int) -> dict[str, list[float]]:
    """name -> the last `limit` values logged to that series, newest first."""
    if not names or limit < 1:
        return {}
    records = await tx.records("metric_tail", ownerId=owner_id, names=names, limit=limit)
    return {r["name"]: list(r["values"]) for r in records}
