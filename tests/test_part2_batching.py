"""Fields every item of a page asks for are batched per request (api/loaders.py): a page of 100 runs
with their params, tags and metrics, a compare of 100 runs with each run's points, and a promotions
inbox with each request's version, model and run are each a bounded handful of Cypher statements, not
one per item. The statements are counted on the store's transaction wrapper, in this test only."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from provgraph.domain.principals import Principal
from provgraph.store import database

from .mlops import REQUEST, model_version, start_run

ADMIN = Principal(name="admin", roles=("admin",))
# The audit log's own statements (events of the request, the background sequencer, the policy version
# check) are not the request's reads: counted apart.
AUDIT = set(re.findall(r"// name: (\w+)", (Path(__file__).parents[1] / "cypher" / "audit.cypher").read_text())) | {
    "policy_version", "restricted_classification_names",
}


@contextmanager
def counted(monkeypatch):
    calls: Counter[str] = Counter()
    original = database.Tx.records

    async def records(self, query, *args, **params):
        calls[query] += 1
        return await original(self, query, *args, **params)

    monkeypatch.setattr(database.Tx, "records", records)
    try:
        yield calls
    finally:
        monkeypatch.setattr(database.Tx, "records", original)


def reads(calls: Counter[str]) -> Counter[str]:
    return Counter({name: n for name, n in calls.items() if name not in AUDIT})


def ends(points, max_points):
    """A downsample of a 20-step series: within max_points, both ends kept."""
    return 2 <= len(points) <= max_points and points[0]["step"] == 0 and points[-1]["step"] == 19


def _hundred_runs(http, services, admin):
    ids = []
    for i in range(100):
        run = start_run(admin, "mlflow://acme/wide", name=f"r{i:03}", tags={"i": str(i)})
        batches = [{"name": f"m{k}", "steps": list(range(20)), "values": [float(i + k + s) for s in range(20)]} for k in range(10)]
        http.portal.call(services.runs.log_batch, ADMIN, run["id"], batches, {f"p{k}": k + i for k in range(10)}, {})
        ids.append(run["id"])
    return run["experimentId"], ids


PAGE = """query($exp: ID!) { runs(experimentId: $exp, first: 100) { edges { node {
  id params { name value } tags { name value } metrics { name last min max }
  loss: metric(name: "m0") { last points(maxPoints: 5) { step value } } } } } }"""
COMPARE = """query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id params { name value } }
  metrics { name values series { name points(maxPoints: 10) { step value } } } } }"""


def test_a_page_of_100_runs_and_a_compare_of_100_are_a_handful_of_queries(http, services, admin, monkeypatch):
    experiment, ids = _hundred_runs(http, services, admin)
    with counted(monkeypatch) as calls:
        page = admin.data(PAGE, {"exp": experiment})["runs"]["edges"]
    assert len(page) == 100 and all(ends(e["node"]["loss"]["points"], 5) for e in page)
    assert all(len(e["node"]["params"]) == 10 and len(e["node"]["metrics"]) == 10 for e in page)
    page_reads = reads(calls)
    assert sum(page_reads.values()) <= 12 and max(page_reads.values()) <= 2, page_reads
    assert page_reads["metric_points_downsampled"] == 1

    with counted(monkeypatch) as calls:
        compared = admin.data(COMPARE, {"ids": ids})["compareRuns"]
    assert len(compared["runs"]) == 100 and len(compared["metrics"]) == 10
    assert all(ends(s["points"], 10) for m in compared["metrics"] for s in m["series"])
    compare_reads = reads(calls)
    assert sum(compare_reads.values()) <= 12 and max(compare_reads.values()) <= 2, compare_reads
    assert compare_reads["metric_points_downsampled"] == 1


def test_the_promotions_inbox_loads_versions_models_and_runs_in_batches(admin, as_role, monkeypatch):
    scientist = as_role("data-scientist", name="sam")
    for i in range(12):
        run = start_run(scientist, name=f"t{i}")
        version = model_version(scientist, f"model-{i % 4}", run["id"])
        scientist.data(REQUEST, {"version": version["id"], "alias": "production", "comment": f"try {i}"})
    inbox = """{ promotions(status: PENDING, first: 50) { totalCount edges { node { id
      version { id version run { id params { name } metrics { name } } } model { id aliases { alias } } } } } }"""
    with counted(monkeypatch) as calls:
        found = admin.data(inbox)["promotions"]
    assert found["totalCount"] == 12
    assert all(e["node"]["version"]["run"]["id"] and e["node"]["model"]["id"] for e in found["edges"])
    inbox_reads = reads(calls)
    assert sum(inbox_reads.values()) <= 20 and max(inbox_reads.values()) <= 4, inbox_reads
