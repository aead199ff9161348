"""The per-request DataLoaders behind fields that every item of a list asks for (like containment.py's):
ModelVersion.run, Promotion.version and .model, MetricSeries.points. However many runs, versions or
series a page holds, each field is one service call (one read) per batch; the services check access
and audit, so a hidden item is simply absent from the batch's answer (null to the caller)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from ..store.metrics import SeriesPoints
from .context import Info

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _by_id(info: Info, name: str, fetch: Callable[[list[str]], Awaitable[dict[str, V]]]) -> DataLoader[str, V | None]:
    """This request's loader `name`, answering a batch of ids with one `fetch` (id -> item)."""

    async def load(ids: list[str]) -> list[V | None]:
        found = await fetch(ids)
        return [found.get(i) for i in ids]

    return info.context.loaders.setdefault(name, DataLoader(load_fn=load))


def run_loader(info: Info) -> DataLoader[str, Any]:
    ctx = info.context
    return _by_id(info, "runs", lambda ids: ctx.services.runs.runs_by_id(ctx.principal, ids))


def version_loader(info: Info) -> DataLoader[str, Any]:
    ctx = info.context
    return _by_id(info, "model-versions", lambda ids: ctx.services.registry.versions_by_id(ctx.principal, ids))


def model_loader(info: Info) -> DataLoader[str, Any]:
    ctx = info.context
    return _by_id(info, "models", lambda ids: ctx.services.registry.models_by_id(ctx.principal, ids))


@dataclass(frozen=True)
class PointsWanted:
    owner_kind: str  # "run" or "deployment"
    owner_id: str
    name: str
    max_points: int


def points_loader(info: Info) -> DataLoader[PointsWanted, SeriesPoints | None]:
    """MetricSeries.points of a whole request: one read per (owner kind, maxPoints) in the batch."""
    ctx = info.context
    services = {"run": ctx.services.runs, "deployment": ctx.services.monitoring}

    async def load(wanted: list[PointsWanted]) -> list[SeriesPoints | None]:
        groups: dict[tuple[str, int], list[PointsWanted]] = defaultdict(list)
        for w in wanted:
            groups[(w.owner_kind, w.max_points)].append(w)
        found: dict[PointsWanted, SeriesPoints] = {}
        for (kind, max_points), group in groups.items():
            answer = await services[kind].series_points(ctx.principal, [(w.owner_id, w.name) for w in group], max_points)
            found.update({w: answer[(w.owner_id, w.name)] for w in group if (w.owner_id, w.name) in answer})
        return [found.get(w) for w in wanted]

    return ctx.loaders.setdefault("points", DataLoader(load_fn=load))
