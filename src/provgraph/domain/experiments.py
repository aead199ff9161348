"""Experiments as the console lists them: an experiment entity with a summary of its runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .entities import Entity

MAX_KEYS = 500  # parameter and metric names an experiment summary lists (each)
# The runs those names are read from, newest first: the keys the runs table offers as columns. Reading
# every run's (10,000 runs: ~100,000 parameters) made each experiment page pay for the whole history.
KEY_RUNS = 1000


@dataclass(frozen=True)
class Experiment:
    entity: Entity
    run_count: int
    last_run_started_at: datetime | None
    param_keys: list[str] = field(default_factory=list)
    metric_keys: list[str] = field(default_factory=list)
    classification_names: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.entity.id
