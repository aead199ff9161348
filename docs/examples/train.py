"""A complete training script that records itself in provgraph (the README's example; a test runs it).

    PROVGRAPH_URL=http://localhost:8000 PROVGRAPH_TOKEN=<token> python docs/examples/train.py

It trains a small logistic-regression churn model on synthetic data (pure Python, so it runs anywhere),
and records everything about it: the git commit, environment and hardware (captured by start_run), the
input dataset version, the hyper-parameters, loss and validation AUC per epoch, and the model version it
produced, for which it then asks a reviewer to promote it to `champion`.
"""

from __future__ import annotations

import json
import math
import os
import random

from provgraph.client import Client

FEATURES = "feast://acme/user_features@2026-11-01"  # a DatasetVersion the data engineers registered
PARAMS = {"learning_rate": 0.5, "epochs": 30, "l2": 0.001, "seed": 7}


def synthetic_customers(n: int, rng: random.Random) -> list[tuple[list[float], int]]:
    """Customers with (sessions in 7 days, basket value) and whether they churned."""
    rows = []
    for _ in range(n):
        sessions, basket = rng.gauss(0, 1), rng.gauss(0, 1)
        churn_odds = -1.5 * sessions - 0.8 * basket + rng.gauss(0, 0.5)
        rows.append(([sessions, basket], int(churn_odds > 0)))
    return rows


def predict(weights: list[float], x: list[float]) -> float:
    z = weights[0] + sum(w * xi for w, xi in zip(weights[1:], x))
    return 1 / (1 + math.exp(-max(min(z, 30), -30)))


def auc(scores: list[float], labels: list[int]) -> float:
    """Probability that a random churner scores above a random stayer."""
    ranked = sorted(zip(scores, labels))
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum = sum(rank for rank, (_, label) in enumerate(ranked, start=1) if label)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def main() -> None:
    client = Client(os.environ["PROVGRAPH_URL"], os.environ["PROVGRAPH_TOKEN"])
    rng = random.Random(PARAMS["seed"])
    train, valid = synthetic_customers(2000, rng), synthetic_customers(500, rng)

    # start_run captures git commit/repo/dirty, Python, OS, packages (+ digest), CPUs, memory and GPUs.
    with client.start_run("mlflow://acme/churn-model", "logreg baseline", tags={"team": "retention"}) as run:
        run.log_input(FEATURES, type="DATASET_VERSION")
        run.log_params(PARAMS)
        weights = [0.0, 0.0, 0.0]
        for epoch in range(PARAMS["epochs"]):
            gradient, loss = [0.0, 0.0, 0.0], 0.0
            for x, y in train:
                p = predict(weights, x)
                loss -= y * math.log(p + 1e-12) + (1 - y) * math.log(1 - p + 1e-12)
                for i, xi in enumerate([1.0, *x]):
                    gradient[i] += (p - y) * xi
            weights = [w - PARAMS["learning_rate"] * (g / len(train) + PARAMS["l2"] * w) for w, g in zip(weights, gradient)]
            val_auc = auc([predict(weights, x) for x, _ in valid], [y for _, y in valid])
            # Buffered: sent in batches, and on leaving the `with` block.
            run.log_metrics({"loss": loss / len(train), "val_auc": val_auc}, step=epoch)
        version = run.log_model("registry://acme/churn-classifier", description="logistic regression, 2 features")
    # Leaving the block ended the run FINISHED (FAILED had the block raised).

    promotion = client.request_promotion(version, "champion", comment=f"val_auc {val_auc:.3f} on 500 held-out customers")
    print(json.dumps({"run": run.id, "version": version.id, "versionNumber": version.version,
                      "promotion": promotion.id, "valAuc": val_auc, "pointsSent": run.points_sent}))


if __name__ == "__main__":
    main()
