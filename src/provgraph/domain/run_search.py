"""Searching runs across experiments by conditions on metrics, parameters, tags, attributes and input
datasets (what MLflow's `runs/search` filter expresses), compiled into one parameterised Cypher query.

A condition is data, never Cypher text: its field and operator come from the closed sets below and the
query picks the matching fragment with CASE; keys and values are parameters.

Semantics (as MLflow's SQL store):
- a metric compares its latest value (the summary's `last`); parameters and tags compare as strings;
- a condition on a key the run does not have never holds, `!=` included; `IS NULL` holds exactly then;
- a dataset condition holds when any live input edge of the run satisfies it;
- LIKE / ILIKE use `%` (any run of characters) and `_` (one character), ILIKE ignoring case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

MAX_CONDITIONS = 50
MAX_SEARCH_RESULTS = 50_000
MAX_EXPERIMENTS = 1_000


class SearchField(Enum):
    METRIC = "METRIC"
    PARAM = "PARAM"
    TAG = "TAG"
    ATTRIBUTE = "ATTRIBUTE"
    DATASET = "DATASET"


class SearchOp(Enum):
    EQ = "EQ"
    NE = "NE"
    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"
    LIKE = "LIKE"
    ILIKE = "ILIKE"
    IN = "IN"
    NOT_IN = "NOT_IN"
    IS_NULL = "IS_NULL"
    IS_NOT_NULL = "IS_NOT_NULL"


NUMERIC_OPS = frozenset({SearchOp.EQ, SearchOp.NE, SearchOp.LT, SearchOp.LTE, SearchOp.GT, SearchOp.GTE})
STRING_OPS = frozenset({SearchOp.EQ, SearchOp.NE, SearchOp.LIKE, SearchOp.ILIKE, SearchOp.IN, SearchOp.NOT_IN})
NULL_OPS = frozenset({SearchOp.IS_NULL, SearchOp.IS_NOT_NULL})

# Attribute keys the query knows (cypher/runs.cypher: mlflow_search_runs) and whether they are numbers.
ATTRIBUTES = {"run_name": False, "status": False, "run_id": False, "start_time": True, "end_time": True}
DATASET_KEYS = frozenset({"name", "digest", "context"})


@dataclass(frozen=True)
class RunCondition:
    field: SearchField
    key: str
    op: SearchOp
    value: Any = None  # a number, a string, a list of strings (IN), a regex (LIKE) or None (IS NULL)

    def numeric(self) -> bool:
        return self.field is SearchField.METRIC or (self.field is SearchField.ATTRIBUTE and ATTRIBUTES[self.key])

    def row(self) -> dict[str, Any]:
        return {"field": self.field.value, "key": self.key, "op": self.op.value, "value": self.value}


@dataclass(frozen=True)
class RunSortKey:
    field: SearchField
    key: str
    descending: bool = False


@dataclass(frozen=True)
class RunSearch:
    experiment_ids: list[str]
    conditions: list[RunCondition] = field(default_factory=list)
    order: RunSortKey | None = None  # None: newest start first
    max_results: int = 1000
    offset: int = 0


def like_regex(pattern: str, ignore_case: bool) -> str:
    """SQL LIKE to an anchored Java regex: `%` -> `.*`, `_` -> `.`, everything else literal."""
    parts = []
    for char in pattern:
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
    return ("(?is)" if ignore_case else "(?s)") + "".join(parts)
