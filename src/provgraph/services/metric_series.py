"""Reading metric points for many series at once (a compare of 100 runs, a deployment's monitoring
charts): one query per request batch, each series whole or downsampled in Cypher (store/metrics.py).
Shared by runs and deployment monitoring, which differ only in the owner's type."""

from __future__ import annotations

from ..domain.entities import EntityType, check_id
from ..domain.metrics import MAX_POINTS_READ, check_metric_name
from ..domain.pages import check_page_size
from ..domain.principals import Principal
from ..governance.access import READ, AccessControl
from ..store import metrics as metric_store
from ..store.database import Database, Tx
from ..store.metrics import SeriesPoints
from . import references

Wanted = tuple[str, str]  # (owner id, series name)


def check_max_points(max_points: int) -> int:
    """BAD_INPUT below 1, LIMIT_EXCEEDED above MAX_POINTS_READ, both naming maxPoints."""
    return check_page_size(max_points, "maxPoints", MAX_POINTS_READ)


async def series_points(
    db: Database, access: AccessControl, principal: Principal, owner_type: EntityType, wanted: list[Wanted], max_points: int
) -> dict[Wanted, SeriesPoints]:
    """The points of each wanted series whose owner (of `owner_type`) the caller may see; a series of a
    hidden or missing owner is left out, exactly like one never logged. Reading points is part of
    reading their owner, whose read is audited; the points themselves are telemetry and are not."""
    check_max_points(max_points)
    for owner, name in wanted:
        check_id(owner, "id")
        check_metric_name(name, "name")
    access.require_type(principal, READ, owner_type)

    async def work(tx: Tx) -> dict[Wanted, SeriesPoints]:
        scope = await access.scope(principal, tx)
        shown = await references.visible(tx, scope, [owner for owner, _ in wanted])
        readable = [(o, n) for o, n in wanted if o in shown and shown[o].type is owner_type]
        return await metric_store.downsampled(tx, readable, max_points)

    return await db.read(work)
