"""The demo graph: a small but realistic ML story, loaded into an empty store by `serve --demo`.

    crm.customers ──┐
    raw clickstream ─┴─> sessionize (pipeline run) ─> sessions_clean@2026-11-01
        ─> build-features (pipeline run) ─> user_features@2026-11-01 {sessions_7d, avg_basket_value, churned}
        ─> train runs #1, #2 (experiment churn-model) ─> churn-classifier v1, v2 (+ evaluation report)
        ─> v2 deployed as churn-classifier-prod
        ─> (services/demo_mlops.py) train #3 ─> v3, promoted to champion, rolled out; a drift alert fires
        ─> (services/demo_console.py) two experiments' sweeps, fraud-scorer v1 pending promotion (restricted upstream)
"""

from __future__ import annotations

from ..domain.entities import EntityInput, EntityRef, EntityType, ProcessInput
from ..domain.principals import Principal
from .container import Services
from .demo_console import load_console_chapter
from .demo_mlops import load_mlops

DEMO_PRINCIPAL = Principal(name="system:demo", roles=("admin",))
T = EntityType


def _ref(entity_type: EntityType, qualified_name: str) -> EntityRef:
    return EntityRef(type=entity_type, qualified_name=qualified_name)


ENTITIES = [
    EntityInput(type=T.DATASET, qualified_name="postgres://crm/public.customers", name="crm.customers",
                description="Customer master data: names, emails, addresses.", owners=["crm-team"],
                properties={"uri": "postgres://crm/public.customers", "rows": 1_250_000}),
    EntityInput(type=T.DATASET, qualified_name="s3://acme-lake/raw/clickstream", name="raw clickstream",
                description="Raw web and app click events, one file per hour.", owners=["platform-team"],
                properties={"uri": "s3://acme-lake/raw/clickstream/", "format": "json"}),
    EntityInput(type=T.DATASET_VERSION, qualified_name="s3://acme-lake/raw/clickstream@2026-11-01",
                container=_ref(T.DATASET, "s3://acme-lake/raw/clickstream"),
                properties={"sha256": "9f2c1e7a5b0d4c3e8a6f1b2d7c9e0a4b5d6c7e8f9a0b1c2d3e4f5a6b7c8d9e0f", "files": 744}),
    EntityInput(type=T.DATASET, qualified_name="warehouse://analytics/sessions_clean", name="sessions_clean",
                description="Sessionized, bot-filtered clickstream joined to customers.", owners=["data-eng"]),
    EntityInput(type=T.DATASET_VERSION, qualified_name="warehouse://analytics/sessions_clean@2026-11-01",
                container=_ref(T.DATASET, "warehouse://analytics/sessions_clean"), properties={"rows": 48_300_112}),
    EntityInput(type=T.DATASET, qualified_name="feast://acme/user_features", name="user_features",
                description="Per-customer churn features.", owners=["ml-platform"]),
    EntityInput(type=T.DATASET_VERSION, qualified_name="feast://acme/user_features@2026-11-01",
                container=_ref(T.DATASET, "feast://acme/user_features")),
    *[
        EntityInput(type=T.FEATURE, qualified_name=f"feast://acme/user_features#{name}", name=name,
                    description=description, container=_ref(T.DATASET, "feast://acme/user_features"))
        for name, description in [
            ("sessions_7d", "Sessions in the last 7 days."),
            ("avg_basket_value", "Average basket value over 30 days, EUR."),
            ("churned", "Label: no purchase in the following 60 days."),
        ]
    ],
    EntityInput(type=T.PIPELINE, qualified_name="airflow://acme/sessionize", name="sessionize", owners=["data-eng"]),
    EntityInput(type=T.PIPELINE, qualified_name="airflow://acme/build_features", name="build_features", owners=["ml-platform"]),
    EntityInput(type=T.EXPERIMENT, qualified_name="mlflow://acme/churn-model", name="churn-model",
                description="Predict customers likely to churn next quarter.", owners=["alice"]),
    EntityInput(type=T.MODEL, qualified_name="registry://acme/churn-classifier", name="churn-classifier", owners=["alice"]),
    EntityInput(type=T.DEPLOYMENT, qualified_name="k8s://prod/churn-classifier", name="churn-classifier-prod",
                description="Online scoring for the retention campaign.", owners=["ml-ops"],
                properties={"environment": "production", "endpoint": "https://ml.acme.internal/churn", "traffic": 1.0}),
]

PROCESSES = [
    ProcessInput(type=T.PIPELINE_RUN, qualified_name="airflow://acme/sessionize/runs/2026-11-01", name="sessionize 2026-11-01",
                 container=_ref(T.PIPELINE, "airflow://acme/sessionize"),
                 properties={"status": "COMPLETE", "codeVersion": "git:4e1a9c2", "startedAt": "2026-11-01T02:00:00Z"},
                 inputs=[_ref(T.DATASET_VERSION, "s3://acme-lake/raw/clickstream@2026-11-01"),
                         _ref(T.DATASET, "postgres://crm/public.customers")],
                 outputs=[_ref(T.DATASET_VERSION, "warehouse://analytics/sessions_clean@2026-11-01")]),
    ProcessInput(type=T.PIPELINE_RUN, qualified_name="airflow://acme/build_features/runs/2026-11-01", name="build_features 2026-11-01",
                 container=_ref(T.PIPELINE, "airflow://acme/build_features"),
                 properties={"status": "COMPLETE", "codeVersion": "git:b71f003"},
                 inputs=[_ref(T.DATASET_VERSION, "warehouse://analytics/sessions_clean@2026-11-01")],
                 outputs=[_ref(T.DATASET_VERSION, "feast://acme/user_features@2026-11-01")]),
    *[
        ProcessInput(type=T.RUN, qualified_name=f"mlflow://acme/churn-model/runs/{n}", name=f"train #{n}",
                     container=_ref(T.EXPERIMENT, "mlflow://acme/churn-model"),
                     properties={"params": {"learning_rate": lr, "max_depth": 6}, "metrics": {"val_auc": auc},
                                 "codeVersion": "git:c0ffee1", "status": "FINISHED"},
                     inputs=[_ref(T.DATASET_VERSION, "feast://acme/user_features@2026-11-01")],
                     outputs=[_ref(T.MODEL_VERSION, f"registry://acme/churn-classifier/v{n}"),
                              _ref(T.ARTIFACT, f"s3://acme-ml/churn/evaluation-run{n}.html")])
        for n, lr, auc in [(1, 0.1, 0.81), (2, 0.03, 0.86)]
    ],
]

MODEL_VERSIONS = [
    EntityInput(type=T.MODEL_VERSION, qualified_name=f"registry://acme/churn-classifier/v{n}", name=f"churn-classifier v{n}",
                container=_ref(T.MODEL, "registry://acme/churn-classifier"), owners=["alice"])
    for n in (1, 2)
]


async def load_demo(services: Services) -> bool:
    """Loads the story unless the store already holds entities. Returns whether it loaded."""
    if (await services.entities.search(DEMO_PRINCIPAL, None, None, 1, None)).total:
        return False
    await services.ingest.upsert_entities(DEMO_PRINCIPAL, ENTITIES)
    for process in PROCESSES:
        await services.ingest.record_process(DEMO_PRINCIPAL, process)
    await services.ingest.upsert_entities(DEMO_PRINCIPAL, MODEL_VERSIONS)
    champion = await services.entities.get_by_name(DEMO_PRINCIPAL, T.MODEL_VERSION, "registry://acme/churn-classifier/v2")
    deployment = await services.entities.get_by_name(DEMO_PRINCIPAL, T.DEPLOYMENT, "k8s://prod/churn-classifier")
    await services.ingest.link_lineage(DEMO_PRINCIPAL, champion.id, deployment.id)
    await load_mlops(services, DEMO_PRINCIPAL)  # train #3 -> v3 promoted to champion, rolled out, drift alert
    await load_console_chapter(services, DEMO_PRINCIPAL)  # sweeps, fraud-detection, a pending promotion, alias history
    return True
