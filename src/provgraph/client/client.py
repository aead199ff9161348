"""The provgraph Python client: a thin, typed, synchronous wrapper over the GraphQL API (httpx).

    from provgraph.client import Client

    client = Client("http://localhost:8000", token)
    with client.start_run("churn-model", "baseline") as run:
        run.log_params({"lr": 0.01})
        run.log_metrics({"loss": 0.3}, step=1)
        version = run.log_model("churn-classifier")
    client.request_promotion(version, "champion", "AUC +3 points")

Every failure raises ProvgraphClientError with the server's error code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from . import documents as q
from .capture import environment_info, git_info, hardware_info
from .errors import ProvgraphClientError
from .models import (
    AliasAssignment,
    AlertRule,
    Deployment,
    Impact,
    Lineage,
    LiveDeployment,
    MetricPoint,
    ModelVersion,
    MonitoringResult,
    Promotion,
    Run,
    RunComparison,
)
from .run import DEFAULT_BATCH, DEFAULT_FLUSH_INTERVAL, ActiveRun, wire_value


def _id(value: Any) -> str:
    """An id, or anything the client returned that has one."""
    return value if isinstance(value, str) else value.id


class Client:
    def __init__(self, url: str, token: str, timeout: float = 60.0, transport: httpx.BaseTransport | None = None) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "provgraph-client/1"},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- transport ----------------------------------------------------------------------------------

    def execute(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Runs one GraphQL operation; returns its data or raises ProvgraphClientError."""
        try:
            response = self._http.post("/graphql", json={"query": query, "variables": dict(variables or {})})
        except httpx.TransportError as exc:
            raise ProvgraphClientError("UNAVAILABLE", f"could not reach {self.url}: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            raise ProvgraphClientError(
                "UNAVAILABLE" if response.status_code >= 500 else "BAD_RESPONSE",
                f"HTTP {response.status_code} without a JSON body from {self.url}",
                status=response.status_code,
            ) from None
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            first = errors[0]
            extensions = first.get("extensions") or {}
            raise ProvgraphClientError(
                extensions.get("code", "INTERNAL"), first.get("message", ""), extensions.get("field"), response.status_code
            )
        if response.status_code >= 400 or not isinstance(body, dict) or body.get("data") is None:
            raise ProvgraphClientError("BAD_RESPONSE", f"HTTP {response.status_code} from {self.url}", status=response.status_code)
        return body["data"]

    # -- runs ---------------------------------------------------------------------------------------

    def start_run(
        self,
        experiment: str,
        name: str | None = None,
        *,
        tags: Mapping[str, str] | None = None,
        qualified_name: str | None = None,
        capture: bool = True,
        batch_size: int = DEFAULT_BATCH,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
    ) -> ActiveRun:
        """Starts a RUNNING run in `experiment` (created when missing). With capture (the default) it
        records the git commit, repository and dirty flag of the running script, the Python version, OS
        and installed packages (with their digest), and the CPU count, memory and GPUs."""
        payload: dict[str, Any] = {"experiment": experiment, "name": name, "qualifiedName": qualified_name, "tags": dict(tags or {})}
        if capture:
            payload.update(code=git_info(), environment=environment_info(), hardware=hardware_info())
        data = self.execute(q.START_RUN, {"in": {k: v for k, v in payload.items() if v is not None}})
        return ActiveRun(self, Run.model_validate(data["startRun"]), batch_size, flush_interval)

    def get_run(self, run_id: str) -> Run | None:
        found = self.execute(q.GET_RUN, {"id": run_id})["run"]
        return None if found is None else Run.model_validate(found)

    def metric_history(self, run_id: str, name: str, max_points: int = 100_000) -> list[MetricPoint]:
        """The series' points in step order; a series longer than max_points comes downsampled by the
        server (each step bucket's first, smallest and largest point, and both ends), never truncated."""
        run = self.execute(q.METRIC_POINTS, {"id": _id(run_id), "name": name, "max": max_points})["run"]
        metric = (run or {}).get("metric") or {"points": []}
        return [MetricPoint.model_validate(p) for p in metric["points"]]

    def runs(
        self,
        experiment_id: str,
        filters: list[Mapping[str, Any]] | None = None,
        order_by: Mapping[str, Any] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> tuple[list[Run], str | None]:
        """One page of an experiment's runs and the cursor of the next page (None on the last).
        filters: [{"param": "lr", "comparison": "LT", "value": 0.01}, {"metric": "val_auc", "aggregate":
        "MAX", "comparison": "GT", "value": 0.8}]; order_by: {"metric": "val_auc", "direction": "DESC"}."""
        page = self.execute(
            q.RUNS,
            {"exp": experiment_id, "filter": list(filters or []), "order": dict(order_by) if order_by else None,
             "first": first, "after": after},
        )["runs"]
        runs = [Run.model_validate(edge["node"]) for edge in page["edges"]]
        return runs, page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None

    def compare_runs(self, run_ids: list[str], metrics: list[str] | None = None) -> RunComparison:
        data = self.execute(q.COMPARE_RUNS, {"ids": [_id(r) for r in run_ids], "metrics": metrics})
        return RunComparison.model_validate(data["compareRuns"])

    # -- registry -----------------------------------------------------------------------------------

    def create_model_version(
        self,
        model: str,
        run_id: str | None = None,
        description: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> ModelVersion:
        data = self.execute(
            q.CREATE_MODEL_VERSION,
            {"model": model, "run": run_id, "description": description, "properties": dict(properties) if properties else None},
        )
        return ModelVersion.model_validate(data["createModelVersion"])

    def model_version(self, version_id: str) -> ModelVersion | None:
        found = self.execute(q.GET_MODEL_VERSION, {"id": version_id})["modelVersion"]
        return None if found is None else ModelVersion.model_validate(found)

    def set_alias(self, version: ModelVersion | str, alias: str, model_id: str | None = None) -> AliasAssignment:
        """Points `alias` of the version's model at the version (moving it; history is kept)."""
        if model_id is None:
            known = version if isinstance(version, ModelVersion) else self.model_version(version)
            if known is None or known.model_id is None:
                raise ProvgraphClientError("NOT_FOUND", f"no model version with id {_id(version)!r}", "versionId")
            model_id = known.model_id
        data = self.execute(q.SET_ALIAS, {"model": model_id, "version": _id(version), "alias": alias})
        return AliasAssignment.model_validate(data["setAlias"])

    def request_promotion(self, version: ModelVersion | str, alias: str, comment: str | None = None) -> Promotion:
        data = self.execute(q.REQUEST_PROMOTION, {"version": _id(version), "alias": alias, "comment": comment})
        return Promotion.model_validate(data["requestPromotion"])

    def approve_promotion(self, request: Promotion | str, comment: str | None = None) -> Promotion:
        data = self.execute(q.APPROVE_PROMOTION, {"id": _id(request), "comment": comment})
        return Promotion.model_validate(data["approvePromotion"])

    def reject_promotion(self, request: Promotion | str, comment: str | None = None) -> Promotion:
        data = self.execute(q.REJECT_PROMOTION, {"id": _id(request), "comment": comment})
        return Promotion.model_validate(data["rejectPromotion"])

    # -- deployments and monitoring -----------------------------------------------------------------

    def deploy(
        self,
        version: ModelVersion | str,
        deployment: str,
        environment: str = "production",
        endpoint: str | None = None,
        traffic_share: float = 1.0,
        comment: str | None = None,
    ) -> Deployment:
        payload = {
            "versionId": _id(version), "deployment": deployment, "environment": environment,
            "endpoint": endpoint, "trafficShare": traffic_share, "comment": comment,
        }
        data = self.execute(q.DEPLOY, {"in": {k: v for k, v in payload.items() if v is not None}})
        return Deployment.model_validate(data["deploy"])

    def rollback(self, deployment: Deployment | str, comment: str | None = None) -> Deployment:
        data = self.execute(q.ROLLBACK, {"id": _id(deployment), "comment": comment})
        return Deployment.model_validate(data["rollback"])

    def production(self, model: str, environment: str | None = "production") -> list[LiveDeployment]:
        """What serves which version of `model` (its qualifiedName) in the environment (None: all)."""
        data = self.execute(q.PRODUCTION, {"model": model, "env": environment})
        return [LiveDeployment.model_validate(d) for d in data["production"]]

    def log_deployment_metrics(self, deployment: Deployment | str, metrics: Mapping[str, float | list[float]]) -> MonitoringResult:
        """Drift/performance values against a deployment ({name: value or [values]}); returns the alerts opened."""
        batches = [
            {"name": name, "values": [wire_value(v) for v in (values if isinstance(values, list) else [values])]}
            for name, values in metrics.items()
        ]
        data = self.execute(q.LOG_DEPLOYMENT_METRICS, {"id": _id(deployment), "m": batches})
        return MonitoringResult.model_validate(data["logDeploymentMetrics"])

    def create_alert_rule(
        self,
        deployment: Deployment | str,
        metric: str,
        comparison: str,
        threshold: float,
        window: int = 1,
        webhook_url: str | None = None,
    ) -> AlertRule:
        payload = {
            "deploymentId": _id(deployment), "metric": metric, "comparison": comparison, "threshold": threshold,
            "window": window, "webhookUrl": webhook_url,
        }
        data = self.execute(q.CREATE_ALERT_RULE, {"in": payload})
        return AlertRule.model_validate(data["createAlertRule"])

    # -- lineage (docs/ARCHITECTURE.md §5) -------------------------------------------------------------------------

    def lineage(self, entity_id: str, direction: str = "BOTH", depth: int = 3, max_nodes: int = 1000) -> Lineage:
        data = self.execute(q.LINEAGE, {"id": _id(entity_id), "direction": direction, "depth": depth, "maxNodes": max_nodes})
        return Lineage.model_validate(data["lineage"])

    def impact(self, entity_id: str, depth: int = 20) -> Impact:
        """Everything downstream of the entity: what breaks if it changes."""
        return Impact.model_validate(self.execute(q.IMPACT, {"id": _id(entity_id), "depth": depth})["impact"])

