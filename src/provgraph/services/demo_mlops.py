"""The demo story's MLOps chapter (loaded by services/demo.py after the lineage graph):

    train #3 (RunService: params, loss/val_auc curves, code, environment, hardware)
        reads feast://acme/user_features@2026-11-01, produces churn-classifier v3 (registry numbering)
    v3 promoted to `champion`: requested by the demo pipeline, approved by rita (governance-reviewer)
    v3 rolled out on k8s://prod/churn-classifier (v2 goes onto the rollback stack)
    drift monitoring: an alert rule on feature_drift_psi (> 0.2 over 3 points) fires as drift grows
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from ..domain.entities import EntityRef, EntityType
from ..domain.metrics import Comparison
from ..domain.principals import Principal
from ..domain.runs import CodeVersion, Environment, Hardware, RunStart, RunStatus
from .container import Services

REVIEWER = Principal(name="rita", roles=("governance-reviewer",))
EXPERIMENT = "mlflow://acme/churn-model"
MODEL = "registry://acme/churn-classifier"
DEPLOYMENT = "k8s://prod/churn-classifier"
FEATURES = "feast://acme/user_features@2026-11-01"
PACKAGES = ["lightgbm==4.5.0", "numpy==2.1.3", "pandas==2.2.3", "scikit-learn==1.5.2"]


def _curves(epochs: int, start: datetime) -> list[dict]:
    """A plausible training: loss falls, validation AUC rises towards 0.88."""
    stamps = [start + timedelta(minutes=2 * e) for e in range(epochs)]
    return [
        {"name": "loss", "steps": list(range(epochs)), "values": [0.69 * math.exp(-e / 12) + 0.21 for e in range(epochs)],
         "timestamps": stamps},
        {"name": "val_auc", "steps": list(range(epochs)), "values": [0.88 - 0.2 * math.exp(-e / 8) for e in range(epochs)],
         "timestamps": stamps},
    ]


async def load_mlops(services: Services, principal: Principal) -> None:
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    run = await services.runs.start_run(
        principal,
        RunStart(
            experiment=EXPERIMENT,
            name="train #3 (lightgbm)",
            qualified_name=f"{EXPERIMENT}/runs/lightgbm-2026-11-02",
            tags={"team": "retention", "trigger": "weekly-retrain"},
            code=CodeVersion(commit="5eed1234c0ffee5eed1234c0ffee5eed1234c0ff", repo_url="https://github.com/acme/churn.git",
                             branch="main", dirty=False),
            environment=Environment(python_version="3.11.9", os="Linux-6.8.0-x86_64-with-glibc2.39", packages=PACKAGES),
            hardware=Hardware(cpu_count=32, memory_bytes=128 * 2**30, gpus=["NVIDIA L4, 23034 MiB"]),
            started_at=start,
            owners=["alice"],
        ),
    )
    await services.runs.log_inputs(principal, run.id, [EntityRef(type=EntityType.DATASET_VERSION, qualified_name=FEATURES)])
    await services.runs.log_params(principal, run.id, {"learning_rate": 0.05, "num_leaves": 63, "max_depth": 8, "seed": 7})
    await services.runs.log_metrics(principal, run.id, _curves(40, start))
    version = await services.registry.create_model_version(
        principal, MODEL, run.id, description="LightGBM, 40 rounds; val_auc 0.876"
    )
    await services.runs.finish_run(principal, run.id, RunStatus.FINISHED, start + timedelta(minutes=80),
                                   Hardware(peak_memory_bytes=9 * 2**30))

    request = await services.registry.request_promotion(principal, version.id, "champion", "val_auc 0.876 vs 0.86 for v2")
    await services.registry.approve_promotion(REVIEWER, request.id, "evaluation report checked; fairness slices ok")

    deployment = await services.deployments.deploy(
        principal, version.id, DEPLOYMENT, "production", "https://ml.acme.internal/churn", 1.0,
        comment="champion v3 replaces v2",
    )
    await services.monitoring.create_rule(
        principal, deployment.id, "feature_drift_psi", Comparison.GT, 0.2, window=3,
        description="population stability of sessions_7d; above 0.2 means retrain",
    )
    stamps = [start + timedelta(days=1 + d) for d in range(7)]
    await services.monitoring.log_metrics(
        principal,
        deployment.id,
        [
            {"name": "accuracy", "values": [0.84, 0.84, 0.83, 0.82, 0.80, 0.79, 0.77], "timestamps": stamps},
            {"name": "feature_drift_psi", "values": [0.04, 0.06, 0.09, 0.17, 0.26, 0.31, 0.38], "timestamps": stamps},
        ],
    )
