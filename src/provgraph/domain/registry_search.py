"""Searching experiments, registered models and model versions by MLflow's filter grammar (what
`experiments/search`, `registered-models/search` and `model-versions/search` take), compiled into one
parameterised Cypher query (cypher/mlflow_search.cypher), like run search (domain/run_search.py).

Each kind has its own closed set of attributes and, per attribute, the comparisons MLflow documents:

- experiments: `name` (= != LIKE ILIKE), `creation_time`, `last_update_time` (= != < <= > >=);
  order by name, experiment_id, creation_time, last_update_time (default: creation_time DESC);
- registered models: `name` (= != LIKE ILIKE); order by name, creation_timestamp,
  last_updated_timestamp (default: name ASC);
- model versions: `name` (the model's; = != LIKE ILIKE), `run_id` (= != IN NOT IN), `version_number`
  (= != < <= > >=); order by name, version_number, creation_timestamp, last_updated_timestamp,
  run_id (default: last_updated_timestamp DESC, name ASC, version_number DESC).

Tags (`tags.<key>`, = != LIKE ILIKE IN NOT IN): provgraph keeps no MLflow tags on these three (their
set-tag calls are not served), so every entity lacks every tag. A tag an entity lacks satisfies `!=`
and `NOT IN`, never the others: the stock client itself adds `tags.mlflow.prompt.is_prompt != 'true'` to
every registered model and version search to leave prompts out, and that must keep every model. (An
attribute an entity lacks, a version without a run, satisfies nothing, as in run search.) Tags are not
sort keys.

Every sort ends with the entity id, so pages are stable. Conditions and sort keys are data: the query
reads the attribute by key from one map and picks the operator with CASE; nothing is Cypher text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .entities import EntityType
from .run_search import NUMERIC_OPS, RunCondition, SearchOp

MAX_SORT_KEYS = 4  # the positions cypher/mlflow_search.cypher orders by
NAME_OPS = frozenset({SearchOp.EQ, SearchOp.NE, SearchOp.LIKE, SearchOp.ILIKE})
ID_OPS = frozenset({SearchOp.EQ, SearchOp.NE, SearchOp.IN, SearchOp.NOT_IN})
TAG_OPS = NAME_OPS | ID_OPS


class SearchKind(Enum):
    EXPERIMENT = "experiments"
    MODEL = "registered models"
    VERSION = "model versions"

    @property
    def entity_type(self) -> EntityType:
        return {SearchKind.EXPERIMENT: EntityType.EXPERIMENT, SearchKind.MODEL: EntityType.MODEL,
                SearchKind.VERSION: EntityType.MODEL_VERSION}[self]


# kind -> attribute -> the comparisons it takes (a numeric attribute takes NUMERIC_OPS).
FILTER_ATTRIBUTES: dict[SearchKind, dict[str, frozenset[SearchOp]]] = {
    SearchKind.EXPERIMENT: {"name": NAME_OPS, "creation_time": NUMERIC_OPS, "last_update_time": NUMERIC_OPS},
    SearchKind.MODEL: {"name": NAME_OPS},
    SearchKind.VERSION: {"name": NAME_OPS, "run_id": ID_OPS, "version_number": NUMERIC_OPS},
}
ORDER_ATTRIBUTES: dict[SearchKind, frozenset[str]] = {
    SearchKind.EXPERIMENT: frozenset({"name", "experiment_id", "creation_time", "last_update_time"}),
    SearchKind.MODEL: frozenset({"name", "creation_timestamp", "last_updated_timestamp"}),
    SearchKind.VERSION: frozenset({"name", "version_number", "creation_timestamp", "last_updated_timestamp", "run_id"}),
}
# MLflow spells the model registry's times *_timestamp and the experiments' *_time; both are accepted.
ATTRIBUTE_SYNONYMS = {"creation_timestamp": "creation_time", "last_updated_timestamp": "last_update_time"}


def numeric(kind: SearchKind, key: str) -> bool:
    return FILTER_ATTRIBUTES[kind].get(key) is NUMERIC_OPS


@dataclass(frozen=True)
class SortKey:
    key: str  # an ORDER_ATTRIBUTES key, as the query's attribute map names it
    descending: bool = False


DEFAULT_ORDER: dict[SearchKind, tuple[SortKey, ...]] = {
    SearchKind.EXPERIMENT: (SortKey("creation_time", True),),
    SearchKind.MODEL: (SortKey("name"),),
    SearchKind.VERSION: (SortKey("last_update_time", True), SortKey("name"), SortKey("version_number", True)),
}


@dataclass(frozen=True)
class RegistrySearch:
    kind: SearchKind
    conditions: list[RunCondition] = field(default_factory=list)  # ATTRIBUTE and TAG conditions
    order: tuple[SortKey, ...] = ()  # empty: DEFAULT_ORDER
    max_results: int = 100
    offset: int = 0

    def sort_rows(self) -> list[dict[str, object]]:
        return [{"key": ATTRIBUTE_SYNONYMS.get(s.key, s.key), "descending": s.descending}
                for s in self.order or DEFAULT_ORDER[self.kind]]
