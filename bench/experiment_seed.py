"""The experiment graph of `python -m bench ui`'s part 2: one experiment of N runs, fast.

One template run goes in through the public GraphQL API (startRun, logParams, logMetrics, finishRun),
so its nodes have exactly the store's shape; the other N-1 are copies of it made in Cypher, UNWIND
batches of `CLONE_BATCH`, each with its own id, name, start time, parameters (lr, batch_size,
optimizer drawn at random) and metric values (the template's scaled). A check reads a copy back over
GraphQL: it must answer like a run logged through the API. A separate run holds one metric of
`points` points, logged through the API in batches of 10,000 (the API's limit per series and call).
"""

from __future__ import annotations

import os
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from neo4j import GraphDatabase

from .provgraph_system import ProvgraphSystem

EXPERIMENT = "bench://experiments/ctr-sweep"
CLONE_BATCH = 1_000
POINT_BATCH = 10_000
STEPS = 50

START = "mutation($in: StartRunInput!) { startRun(input: $in) { id experimentId } }"
PARAMS = "mutation($run: ID!, $p: JSON!) { logParams(runId: $run, params: $p) { name } }"
METRICS = "mutation($run: ID!, $m: [MetricBatchInput!]!) { logMetrics(runId: $run, metrics: $m) { name count } }"
FINISH = "mutation($run: ID!) { finishRun(runId: $run) { id } }"
READ_BACK = """query($id: ID!) { run(id: $id) { id name status experimentId params { name type value }
  metrics { name last min max count points(maxPoints: 100) { step value } } } }"""

# The copies: the template's node, status changes, parameters and metric series with their chunks, per row.
TEMPLATE = """
MATCH (x:Entity:Experiment)-[:HAS_RUN]->(t:Entity:Run {id: $id})
RETURN labels(t) AS labels, properties(t) AS run, x.id AS experimentId,
       COLLECT { MATCH (t)-[:HAS_METRIC]->(s:MetricSeries) RETURN s.name } AS metrics,
       COUNT { MATCH (t)-[rel]-() WHERE NOT type(rel) IN ['HAS_RUN', 'HAS_PARAM', 'HAS_METRIC', 'HAS_STATUS_CHANGE'] RETURN rel } AS others
"""
CLONE = """
MATCH (x:Entity:Experiment {id: $experimentId})-[contains:HAS_RUN]->(t:Entity:Run {id: $templateId})
UNWIND $rows AS row
CREATE (r:Entity:Run)
SET r = t {.*, id: row.id, name: row.name, qualifiedName: row.qualifiedName, startedAt: row.startedAt, endedAt: row.endedAt}
CREATE (x)-[copied:HAS_RUN]->(r)
SET copied = properties(contains)
WITH t, r, row
CALL (t, r) {
  MATCH (t)-[:HAS_STATUS_CHANGE]->(change:RunStatusChange)
  CREATE (r)-[:HAS_STATUS_CHANGE]->(copy:RunStatusChange)
  SET copy = properties(change)
}
CALL (r, row) {
  UNWIND row.params AS p
  CREATE (r)-[:HAS_PARAM]->(:RunParam {name: p.name, type: p.type, value: p.value, loggedAt: row.startedAt})
}
CALL (t, r, row) {
  MATCH (t)-[:HAS_METRIC]->(s:MetricSeries)-[:HAS_CHUNK]->(c:MetricChunk)
  CREATE (r)-[:HAS_METRIC]->(copy:MetricSeries)
  SET copy = properties(s), copy.ownerId = r.id,
      copy.last = s.last * row.scale, copy.min = s.min * row.scale, copy.max = s.max * row.scale
  CREATE (copy)-[:HAS_CHUNK]->(chunk:MetricChunk)
  SET chunk = properties(c), chunk.values = [v IN c.values | v * row.scale]
}
RETURN count(*) AS copied
"""


@dataclass(frozen=True)
class Seeded:
    experiment_id: str
    run_ids: list[str]  # the template first, then the copies
    long_run_id: str  # the run with the long metric
    long_metric: str
    long_points: int


def _random_params(rng: random.Random) -> dict[str, Any]:
    return {
        "lr": rng.choice([0.1, 0.03, 0.01, 0.003, 0.001, 0.0003]),
        "batch_size": rng.choice([32, 64, 128, 256]),
        "optimizer": rng.choice(["adam", "sgd", "adamw"]),
        "dropout": round(rng.uniform(0, 0.5), 3),
    }


def _template(pg: ProvgraphSystem, rng: random.Random) -> tuple[str, str]:
    started = pg.call(START, {"in": {
        "experiment": EXPERIMENT, "name": "sweep-00000",
        "code": {"repoUrl": "https://github.com/acme/ctr", "commit": "0123abcd", "branch": "main"},
        "environment": {"pythonVersion": "3.12.7", "os": "Linux", "packages": ["numpy==2.1.0", "torch==2.5.0"]},
        "hardware": {"cpuCount": 8, "memoryBytes": 32 * 1024**3, "gpus": ["A10G"]},
        "startedAt": "2026-11-01T00:00:00Z",
    }})["startRun"]
    run_id = started["id"]
    pg.call(PARAMS, {"run": run_id, "p": _random_params(rng)})
    steps = list(range(STEPS))
    pg.call(METRICS, {"run": run_id, "m": [
        {"name": "loss", "values": [1.0 / (s + 1) + 0.05 for s in steps], "steps": steps},
        {"name": "val_auc", "values": [0.5 + 0.4 * (s + 1) / STEPS for s in steps], "steps": steps},
    ]})
    pg.call(FINISH, {"run": run_id})
    return run_id, started["experimentId"]


def _param_rows(params: dict[str, Any]) -> list[dict[str, Any]]:
    def kind(v: Any) -> str:
        return "STRING" if isinstance(v, str) else "FLOAT" if isinstance(v, float) else "INT"

    return [{"name": k, "type": kind(v), "value": v} for k, v in params.items()]


def _clone(driver: Any, template_id: str, count: int, rng: random.Random) -> list[str]:
    [found] = driver.execute_query(TEMPLATE, id=template_id).records
    if found["others"]:
        raise RuntimeError(f"the template run has {found['others']} relationships the bench does not copy")
    started: datetime = found["run"]["startedAt"]
    ended: datetime = found["run"]["endedAt"]
    ids: list[str] = []
    for start in range(1, count, CLONE_BATCH):
        rows = []
        for i in range(start, min(count, start + CLONE_BATCH)):
            run_id = str(uuid.uuid4())
            ids.append(run_id)
            rows.append({
                "id": run_id, "name": f"sweep-{i:05d}", "qualifiedName": f"{EXPERIMENT}/runs/sweep-{i:05d}",
                "startedAt": started + timedelta(minutes=i), "endedAt": ended + timedelta(minutes=i),
                "params": _param_rows(_random_params(rng)), "scale": round(rng.uniform(0.8, 1.1), 4),
            })
        driver.execute_query(CLONE, experimentId=found["experimentId"], templateId=template_id, rows=rows)
    return ids


def _check_copy(pg: ProvgraphSystem, template_id: str, copy_id: str) -> None:
    template = pg.call(READ_BACK, {"id": template_id})["run"]
    copy = pg.call(READ_BACK, {"id": copy_id})["run"]
    if copy is None or copy["experimentId"] != template["experimentId"] or copy["status"] != template["status"]:
        raise RuntimeError(f"a copied run does not read back like the template: {copy}")
    if [m["name"] for m in copy["metrics"]] != [m["name"] for m in template["metrics"]] or len(copy["params"]) != len(template["params"]):
        raise RuntimeError(f"a copied run lost its parameters or metrics: {copy}")
    if len(copy["metrics"][0]["points"]) != STEPS:
        raise RuntimeError("a copied run's points do not read back")


def _long_metric(pg: ProvgraphSystem, points: int) -> str:
    run_id = pg.call(START, {"in": {"experiment": EXPERIMENT + "-long", "name": "long-series"}})["startRun"]["id"]
    rng = random.Random(3)
    level = 1.0
    for start in range(0, points, POINT_BATCH):
        steps = list(range(start, min(points, start + POINT_BATCH)))
        values = []
        for _ in steps:
            level = max(0.01, level * 0.99995 + rng.gauss(0, 0.002))
            values.append(round(level, 6))
        pg.call(METRICS, {"run": run_id, "m": [{"name": "train_loss", "values": values, "steps": steps}]})
    pg.call(FINISH, {"run": run_id})
    return run_id


def seed(pg: ProvgraphSystem, uri: str, runs: int, points: int, seed: int = 11) -> Seeded:
    rng = random.Random(seed)
    template_id, experiment_id = _template(pg, rng)
    password = os.environ.get("NEO4J_PASSWORD")
    auth = (os.environ.get("NEO4J_USER", "neo4j"), password) if password else None
    with GraphDatabase.driver(uri, auth=auth) as driver:
        copies = _clone(driver, template_id, runs, rng)
    _check_copy(pg, template_id, copies[-1])
    long_run = _long_metric(pg, points)
    return Seeded(experiment_id, [template_id, *copies], long_run, "train_loss", points)
