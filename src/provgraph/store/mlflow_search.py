"""MLflow's experiment, registered model and model version searches (cypher/mlflow_search.cypher)."""

from __future__ import annotations

from ..domain.registry_search import RegistrySearch
from .database import Tx

DEFAULT_EXPERIMENT = "Default"  # the qualifiedName of MLflow's experiment "0"


async def search(tx: Tx, query: RegistrySearch, visibility: dict[str, list[str]], owner: str) -> tuple[int, list[str]]:
    """(how many match, the ids of one page) in the query's order."""
    entity_type = query.kind.entity_type
    record = await tx.single(
        "mlflow_search_entities",
        entity_type,
        label=entity_type.label,
        conditions=[c.row() for c in query.conditions],
        sort=query.sort_rows(),
        defaultExperiment=DEFAULT_EXPERIMENT,
        owner=owner,
        skip=query.offset,
        limit=query.max_results,
        **visibility,
    )
    return record["total"], list(record["page"])
