"""100,000 metric points through the stock MLflow client's `log_batch` against the same points through
provgraph's own client, in one process against one live server: the ratio of their rates (target
>= 0.8x: speaking MLflow costs at most a fifth of the speed).

    python -m bench mlflow [--points 100000] [--rounds 3]
NEO4J_URI (the bench empties nothing, it adds runs), or the embedded server in a temp dir.
Both log 4 metrics x points/4 steps, the way a training loop does; MLflow's client splits a
log_batch into requests of 1,000 metrics (its limit), provgraph's flushes every 10,000 points (its
default). Each figure is the median of `rounds` runs, timed from the first call until every point is
stored, and both are checked to have stored every point.

A third figure bounds what the server can do: the same `log_batch` from the stock client against an
endpoint that answers `{}` without reading the points (`NO_OP_SERVER`), in the same process. That is
the client's own cost (protobuf entities to JSON, one request per 1,000 points); the ratio with a
server that took no time at all could not beat `provgraph / floor`.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from typing import Any

import uvicorn

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from provgraph.api.app import create_app
from provgraph.client import Client
from provgraph.config import Settings

from .client_metrics import TOKEN, free_port, neo4j_uri

METRICS = ("loss", "val_loss", "acc", "lr")


def _values(step: int) -> dict[str, float]:
    return {"loss": 1 / (step + 1), "val_loss": 1.1 / (step + 1), "acc": 1 - 1 / (step + 2), "lr": 0.01}


def provgraph_run(client: Client, points: int) -> float:
    steps = points // len(METRICS)
    started = time.perf_counter()
    with client.start_run("bench/mlflow", "provgraph client", flush_interval=3600) as run:
        for step in range(steps):
            run.log_metrics(_values(step), step=step)
        run.flush()
    elapsed = time.perf_counter() - started
    assert client.get_run(run.id).metric("loss").count == steps
    return elapsed


def mlflow_run(url: str, points: int) -> float:
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    steps = points // len(METRICS)
    client = MlflowClient(url)
    experiment = client.get_experiment_by_name("bench-mlflow") or client.get_experiment(client.create_experiment("bench-mlflow"))
    started = time.perf_counter()
    run = client.create_run(experiment.experiment_id)
    now = int(time.time() * 1000)
    metrics = [Metric(name, value, now, step) for step in range(steps) for name, value in _values(step).items()]
    client.log_batch(run.info.run_id, metrics=metrics)
    client.set_terminated(run.info.run_id)
    elapsed = time.perf_counter() - started
    assert len(client.get_metric_history(run.info.run_id, "loss")) == steps
    return elapsed


async def _no_op_log_batch(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({})


NO_OP_SERVER = Starlette(routes=[Route("/api/2.0/mlflow/runs/log-batch", _no_op_log_batch, methods=["POST"])])


def mlflow_client_floor(url: str, points: int) -> float:
    """The stock client's own time for `points` through log_batch to a server that does nothing."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    steps = points // len(METRICS)
    client = MlflowClient(url)
    started = time.perf_counter()
    now = int(time.time() * 1000)
    metrics = [Metric(name, value, now, step) for step in range(steps) for name, value in _values(step).items()]
    client.log_batch("floor", metrics=metrics)
    return time.perf_counter() - started


def _serve(app: Any) -> tuple[uvicorn.Server, str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def main(points: int = 100_000, rounds: int = 3) -> dict[str, Any]:
    uri, embedded = neo4j_uri()
    settings = Settings(NEO4J_URI=uri, PROVGRAPH_ADMIN_TOKEN=TOKEN)
    api, url = _serve(create_app(settings))
    no_op, no_op_url = _serve(NO_OP_SERVER)
    os.environ["MLFLOW_TRACKING_TOKEN"] = TOKEN
    try:
        with Client(url, TOKEN, timeout=600) as client:
            provgraph_run(client, 4_000)  # warm-up: connections, query plans
            mlflow_run(url, 4_000)
            mlflow_client_floor(no_op_url, 4_000)
            ours, theirs, floors = [], [], []
            for _ in range(rounds):  # interleaved, so a change in the machine's load hits all three
                ours.append(provgraph_run(client, points))
                theirs.append(mlflow_run(url, points))
                floors.append(mlflow_client_floor(no_op_url, points))
    finally:
        api.should_exit = no_op.should_exit = True
        if embedded:
            server, data_dir = embedded
            server.stop(data_dir)
    own, via_mlflow, floor = statistics.median(ours), statistics.median(theirs), statistics.median(floors)
    result = {
        "points": points,
        "provgraph_client_s": round(own, 3),
        "mlflow_log_batch_s": round(via_mlflow, 3),
        "provgraph_points_per_s": round(points / own),
        "mlflow_points_per_s": round(points / via_mlflow),
        "ratio": round(own / via_mlflow, 2),
        "mlflow_client_floor_s": round(floor, 3),
        "ratio_with_a_zero_time_server": round(own / floor, 2),
        "server_share_of_mlflow_path": round(max(via_mlflow - floor, 0) / via_mlflow, 2),
    }
    print(f"{points} metric points, median of {rounds} runs:")
    print(f"  provgraph client   {own:6.2f} s  {points / own:9.0f} points/s  (baseline)")
    print(f"  mlflow log_batch   {via_mlflow:6.2f} s  {points / via_mlflow:9.0f} points/s  {own / via_mlflow:.2f}x (target >= 0.8x)")
    print(f"  mlflow client only {floor:6.2f} s  {points / floor:9.0f} points/s  {own / floor:.2f}x: the best any server could reach")
    return result
