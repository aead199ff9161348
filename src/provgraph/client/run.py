"""A run in progress, as a training script holds it: `with client.start_run(...) as run:`.

Metrics are buffered and sent columnar, one request per flush whatever the number of series: a flush
happens when `batch_size` points are waiting, when the oldest waiting point is `flush_interval` seconds
old (checked as points arrive: no background thread), before anything that must see them (log_model,
finish) and when the `with` block ends. The block ends the run FINISHED, or FAILED when it raises
(KILLED on KeyboardInterrupt), with the process's peak memory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import documents as q
from .capture import peak_memory_bytes
from .models import MetricSeries, ModelVersion, Param, Run

if TYPE_CHECKING:
    from .client import Client

DEFAULT_BATCH = 10_000
DEFAULT_FLUSH_INTERVAL = 10.0


def wire_value(value: float) -> float | str:
    """JSON has no NaN or Infinity: they travel as the strings the server accepts."""
    value = float(value)
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


class _Series:
    __slots__ = ("values", "steps", "epoch_millis")

    def __init__(self) -> None:
        self.values: list[float | str] = []
        self.steps: list[int] = []
        self.epoch_millis: list[float] = []


class ActiveRun:
    def __init__(
        self,
        client: Client,
        run: Run,
        batch_size: int = DEFAULT_BATCH,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
    ) -> None:
        self._client = client
        self.info = run
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self._buffer: dict[str, _Series] = {}
        self._buffered = 0
        self._oldest: float | None = None
        self._next_step: dict[str, int] = {}
        self.points_sent = 0
        self.finished: Run | None = None

    @property
    def id(self) -> str:
        return self.info.id

    # -- parameters and tags (sent at once: they are few and a CONFLICT should surface where it happens)

    def log_param(self, name: str, value: Any) -> Param:
        return self.log_params({name: value})[0]

    def log_params(self, params: Mapping[str, Any]) -> list[Param]:
        data = self._client.execute(q.LOG_PARAMS, {"run": self.id, "p": dict(params)})
        return [Param.model_validate(p) for p in data["logParams"]]

    def set_tags(self, tags: Mapping[str, str]) -> None:
        self._client.execute(q.SET_TAGS, {"run": self.id, "t": dict(tags)})

    # -- metrics (buffered) -------------------------------------------------------------------------

    def log_metric(self, name: str, value: float, step: int | None = None, timestamp: datetime | None = None) -> None:
        self.log_metrics({name: value}, step, timestamp)

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None, timestamp: datetime | None = None) -> None:
        """Buffers one point per metric. Without a step each metric continues from its last step + 1;
        the timestamp defaults to now (when logged, not when flushed)."""
        stamp = timestamp.timestamp() * 1000 if timestamp is not None else time.time() * 1000
        for name, value in metrics.items():
            series = self._buffer.get(name)
            if series is None:
                series = self._buffer[name] = _Series()
            at = self._next_step.get(name, 0) if step is None else step
            self._next_step[name] = max(self._next_step.get(name, 0), at + 1)
            series.values.append(wire_value(value))
            series.steps.append(at)
            series.epoch_millis.append(stamp)
        self._buffered += len(metrics)
        if self._oldest is None:
            self._oldest = time.monotonic()
        if self._buffered >= self.batch_size or time.monotonic() - self._oldest >= self.flush_interval:
            self.flush()

    def flush(self) -> list[MetricSeries]:
        """Sends every buffered point in one request; returns the updated series summaries."""
        if not self._buffered:
            return []
        batches = [
            {"name": name, "values": s.values, "steps": s.steps, "epochMillis": s.epoch_millis} for name, s in self._buffer.items()
        ]
        data = self._client.execute(q.LOG_METRICS, {"run": self.id, "m": batches})
        self.points_sent += self._buffered
        self._buffer, self._buffered, self._oldest = {}, 0, None
        return [MetricSeries.model_validate(s) for s in data["logMetrics"]]

    # -- lineage -------------------------------------------------------------------------------------

    def log_input(self, dataset: str | Mapping[str, Any], type: str = "DATASET") -> list[str]:
        """An input by qualifiedName (of `type`, DATASET by default), or an EntityRef-shaped mapping
        ({"id": ...} or {"type": ..., "qualifiedName": ...}). Returns the run's input ids."""
        data = self._client.execute(q.LOG_INPUTS, {"run": self.id, "refs": [_ref(dataset, type)]})
        return data["logRunInputs"]

    def log_artifact(self, qualified_name: str, type: str = "ARTIFACT") -> list[str]:
        data = self._client.execute(q.LOG_OUTPUTS, {"run": self.id, "refs": [_ref(qualified_name, type)]})
        return data["logRunOutputs"]

    def log_model(self, name: str, description: str | None = None, properties: Mapping[str, Any] | None = None) -> ModelVersion:
        """Registers the next version of model `name`, produced by this run."""
        self.flush()
        return self._client.create_model_version(name, run_id=self.id, description=description, properties=properties)

    # -- ending --------------------------------------------------------------------------------------

    def finish(self, status: str = "FINISHED") -> Run:
        """Flushes the buffered points and ends the run with its peak memory."""
        self.flush()
        return self._end(status)

    def _end(self, status: str) -> Run:
        hardware = {"peakMemoryBytes": peak_memory_bytes()}
        data = self._client.execute(q.FINISH_RUN, {"run": self.id, "status": status, "hw": hardware})
        self.finished = Run.model_validate(data["finishRun"])
        return self.finished

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if exc_type is None:
            try:
                self.flush()
            except Exception:
                self._end_quietly("FAILED")  # the points could not be stored: the record is incomplete
                raise
            self._end("FINISHED")
            return
        # The script raised: keep what can be kept, end the run, and let the original exception through.
        try:
            self.flush()
        except Exception:
            pass
        self._end_quietly("KILLED" if issubclass(exc_type, KeyboardInterrupt) else "FAILED")

    def _end_quietly(self, status: str) -> None:
        try:
            self._end(status)
        except Exception:
            pass


def _ref(entity: str | Mapping[str, Any], type: str) -> dict[str, Any]:
    if isinstance(entity, Mapping):
        return dict(entity)
    return {"type": type, "qualifiedName": entity}
