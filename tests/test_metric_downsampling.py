"""MetricSeries.points(maxPoints:): a series longer than maxPoints is downsampled in Cypher (buckets by
step keeping each bucket's first, smallest and largest point, the series' first and last always kept),
at most maxPoints points in step order; a shorter one comes whole; a bad maxPoints names the field."""

from __future__ import annotations

import math

from provgraph.domain.principals import Principal

from .mlops import log_metrics, start_run

N = 100_000
SPIKE_STEP, DIP_STEP = 31_337, 77_777
POINTS = """query($id: ID!, $max: Int!) { run(id: $id) { metric(name: "loss") {
  count points(maxPoints: $max) { step value } downsampled(maxPoints: $max) } } }"""
ADMIN = Principal(name="admin", roles=("admin",))


def _value(step: int) -> float:
    if step == SPIKE_STEP:
        return 99.0
    if step == DIP_STEP:
        return -99.0
    return math.sin(step / 1000)


def _long_run(http, services, admin):
    run = start_run(admin)
    # The later half first: the answer is in step order, not logging order.
    for steps in (range(N // 2, N), range(0, N // 2)):
        batch = [{"name": "loss", "steps": list(steps), "values": [_value(s) for s in steps]}]
        http.portal.call(services.runs.log_metrics, ADMIN, run["id"], batch)
    return run["id"]


def test_a_100000_point_series_is_downsampled_keeping_the_extremes_and_the_ends(http, services, admin):
    run_id = _long_run(http, services, admin)
    for max_points in (1000, 301, 4):
        metric = admin.data(POINTS, {"id": run_id, "max": max_points})["run"]["metric"]
        points = metric["points"]
        assert metric["count"] == N and metric["downsampled"] is True
        assert 0 < len(points) <= max_points, (max_points, len(points))
        steps = [p["step"] for p in points]
        assert steps == sorted(steps) and len(set(steps)) == len(steps)
        assert steps[0] == 0 and steps[-1] == N - 1
        assert {SPIKE_STEP, DIP_STEP} <= set(steps), max_points
        assert all(p["value"] == _value(p["step"]) for p in points)  # real points, never averages
    # With room for 1,000 the buckets are about 300 steps wide: the curve's shape is there.
    wide = admin.data(POINTS, {"id": run_id, "max": 1000})["run"]["metric"]["points"]
    assert len(wide) > 600 and max(b["step"] - a["step"] for a, b in zip(wide, wide[1:])) < 700


def test_a_series_within_max_points_comes_whole(http, services, admin):
    run = start_run(admin)
    log_metrics(admin, run["id"], {"name": "loss", "steps": [5, 1, 3], "values": [0.5, 0.1, 0.3]})
    metric = admin.data(POINTS, {"id": run["id"], "max": 3})["run"]["metric"]
    assert metric["points"] == [{"step": 1, "value": 0.1}, {"step": 3, "value": 0.3}, {"step": 5, "value": 0.5}]
    assert metric["downsampled"] is False
    two = admin.data(POINTS, {"id": run["id"], "max": 2})["run"]["metric"]
    assert [p["step"] for p in two["points"]] == [1, 5] and two["downsampled"] is True  # the ends, nothing else
    one = admin.data(POINTS, {"id": run["id"], "max": 1})["run"]["metric"]
    assert [p["step"] for p in one["points"]] == [1]


def test_a_bad_max_points_is_refused_naming_the_field(admin):
    run = start_run(admin)
    log_metrics(admin, run["id"], {"name": "loss", "values": [1.0, 2.0]})
    for max_points, code in [(0, "BAD_INPUT"), (-5, "BAD_INPUT"), (100_001, "LIMIT_EXCEEDED")]:
        body = admin.execute(POINTS, {"id": run["id"], "max": max_points})
        assert body["errors"], max_points
        codes = {(e["extensions"]["code"], e["message"].split(":")[0]) for e in body["errors"]}
        assert codes == {(code, "maxPoints")}, (max_points, body["errors"])
        assert "INTERNAL" not in str(body)


def test_the_mlflow_metric_history_still_returns_every_point(http, services, admin):
    run = start_run(admin)
    steps = list(range(12_000))
    http.portal.call(services.runs.log_metrics, ADMIN, run["id"], [{"name": "loss", "steps": steps, "values": [float(s) for s in steps]}])
    response = http.get(
        "/api/2.0/mlflow/metrics/get-history",
        params={"run_id": run["id"], "metric_key": "loss"},
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert response.status_code == 200, response.text
    assert [m["step"] for m in response.json()["metrics"]] == steps
