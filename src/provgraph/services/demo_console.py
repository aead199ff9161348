"""The demo story's console chapter (loaded by services/demo.py after the MLOps one), so every page of
the console has something to show (issue 16):

    churn-model: a sweep of 4 more runs (lr, batch_size, optimizer; loss and val_auc over 60 steps)
    fraud-detection: 4 runs by dana (data scientist); run `gbm-deep` reads payments.transactions
        (SENSITIVE, restricted) and produces fraud-scorer v1
    churn-classifier: alias `production` on v2, then moved to v3 (its history); a rejected promotion
    fraud-scorer v1: a PENDING promotion to `production` requested by dana with a comment; the
        restricted data upstream makes it a governance reviewer's decision (the badge)
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from ..domain.entities import EntityInput, EntityRef, EntityType
from ..domain.principals import Principal
from ..domain.runs import CodeVersion, Environment, Hardware, RunStart, RunStatus
from .container import Services
from .demo_mlops import EXPERIMENT as CHURN, MODEL as CHURN_MODEL, REVIEWER

SCIENTIST = Principal(name="dana", roles=("data-scientist",))
FRAUD = "mlflow://acme/fraud-detection"
FRAUD_MODEL = "registry://acme/fraud-scorer"
TRANSACTIONS = "postgres://payments/public.transactions"
STEPS = 60
REPO = "https://github.com/acme/{}.git"
PACKAGES = ["numpy==2.1.3", "pandas==2.2.3", "scikit-learn==1.5.2", "torch==2.5.1"]

# (experiment, run name, lr, batch_size, optimizer, final val_auc, repo)
SWEEP = [
    (CHURN, "sweep adam lr=3e-3", 0.003, 256, "adam", 0.872, "churn"),
    (CHURN, "sweep adam lr=1e-2", 0.01, 256, "adam", 0.861, "churn"),
    (CHURN, "sweep sgd lr=3e-2", 0.03, 512, "sgd", 0.843, "churn"),
    (CHURN, "sweep adamw lr=1e-3", 0.001, 128, "adamw", 0.879, "churn"),
    (FRAUD, "gbm-shallow", 0.05, 1024, "adam", 0.912, "fraud"),
    (FRAUD, "mlp-small", 0.001, 512, "adamw", 0.897, "fraud"),
    (FRAUD, "mlp-wide", 0.0005, 256, "adamw", 0.905, "fraud"),
    (FRAUD, "gbm-deep", 0.02, 1024, "sgd", 0.931, "fraud"),
]


def _curves(final_auc: float, lr: float, start: datetime) -> list[dict]:
    """loss falls and val_auc rises towards final_auc, faster for a larger learning rate."""
    rate = 6 + 1 / (lr * 40)
    stamps = [start + timedelta(seconds=45 * s) for s in range(STEPS)]
    steps = list(range(STEPS))
    return [
        {"name": "loss", "steps": steps, "timestamps": stamps,
         "values": [round(0.7 * math.exp(-s / rate) + (1 - final_auc) * 1.5 + 0.01 * math.sin(s), 5) for s in steps]},
        {"name": "val_auc", "steps": steps, "timestamps": stamps,
         "values": [round(final_auc - 0.3 * math.exp(-s / rate) - 0.004 * math.cos(s / 3), 5) for s in steps]},
    ]


async def _run(services: Services, principal: Principal, index: int, spec: tuple) -> str:
    experiment, name, lr, batch_size, optimizer, auc, repo = spec
    start = datetime(2026, 11, 10, 8, 0, tzinfo=UTC) + timedelta(hours=3 * index)
    slug = name.replace(" ", "-").replace("=", "")
    run = await services.runs.start_run(
        principal,
        RunStart(
            experiment=experiment,
            name=name,
            qualified_name=f"{experiment}/runs/{slug}",
            tags={"team": "retention" if experiment == CHURN else "risk", "sweep": "2026-11"},
            code=CodeVersion(commit=f"{index + 1:x}a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d"[:40], repo_url=REPO.format(repo),
                             branch="main", dirty=False),
            environment=Environment(python_version="3.12.7", os="Linux-6.8.0-x86_64-with-glibc2.39", packages=PACKAGES),
            hardware=Hardware(cpu_count=16, memory_bytes=64 * 2**30, gpus=["NVIDIA A10G, 23028 MiB"]),
            started_at=start,
            owners=[principal.name],
        ),
    )
    await services.runs.log_params(principal, run.id, {"lr": lr, "batch_size": batch_size, "optimizer": optimizer})
    await services.runs.log_metrics(principal, run.id, _curves(auc, lr, start))
    return run.id


async def load_console_chapter(services: Services, principal: Principal) -> None:
    """`principal` is the demo's admin; the fraud runs and their request are dana's."""
    runs = {}
    for i, spec in enumerate(SWEEP):
        owner = SCIENTIST if spec[0] == FRAUD else principal
        runs[spec[1]] = (await _run(services, owner, i, spec), owner)
    for name, (run_id, owner) in runs.items():
        if name != "gbm-deep":
            await services.runs.finish_run(owner, run_id, RunStatus.FINISHED)

    # gbm-deep trained on payment data, classified restricted once read: promoting its version is a
    # governance reviewer's decision.
    await services.ingest.upsert_entities(principal, [
        EntityInput(type=EntityType.DATASET, qualified_name=TRANSACTIONS, name="payments.transactions",
                    description="Card transactions with cardholder details.", owners=["payments-team"]),
    ])
    deep = runs["gbm-deep"][0]
    await services.runs.log_inputs(SCIENTIST, deep, [EntityRef(type=EntityType.DATASET, qualified_name=TRANSACTIONS)])
    transactions = await services.entities.get_by_name(principal, EntityType.DATASET, TRANSACTIONS)
    await services.classifications.classify(principal, transactions.id, "SENSITIVE")
    fraud_v1 = await services.registry.create_model_version(SCIENTIST, FRAUD_MODEL, deep, description="GBM, depth 12")
    await services.runs.finish_run(SCIENTIST, deep, RunStatus.FINISHED)
    await services.registry.request_promotion(
        SCIENTIST, fraud_v1.id, "production", "gbm-deep beats the rules engine: val_auc 0.931; please review the data use"
    )

    # churn-classifier: `production` on v2, then v3 (the alias history); one request rejected.
    model = await services.registry.get_model(principal, name=CHURN_MODEL)
    versions = {v.version or int(v.entity.qualified_name.rsplit("v", 1)[1]): v
                for v in await services.registry.model_versions(principal, model.id)}
    await services.registry.set_alias(principal, model.id, versions[2].id, "production")
    await services.registry.set_alias(principal, model.id, versions[3].id, "production")
    rejected = await services.registry.request_promotion(SCIENTIST, versions[1].id, "staging", "v1 for the A/B baseline")
    await services.registry.reject_promotion(REVIEWER, rejected.id, "v1 is retired; use v2 as the baseline")

