"""The provgraph Python client (sync, httpx): log runs from training code, work the model registry,
deploy, monitor, and ask for lineage and impact. See client/client.py."""

from .client import Client
from .errors import ProvgraphClientError
from .models import (
    AliasAssignment,
    Alert,
    AlertRule,
    Deployment,
    Impact,
    Lineage,
    LiveDeployment,
    MetricPoint,
    MetricSeries,
    ModelVersion,
    MonitoringResult,
    Param,
    Promotion,
    Run,
)
from .run import ActiveRun

__all__ = [
    "ActiveRun",
    "AliasAssignment",
    "Alert",
    "AlertRule",
    "Client",
    "Deployment",
    "Impact",
    "Lineage",
    "LiveDeployment",
    "MetricPoint",
    "MetricSeries",
    "ModelVersion",
    "MonitoringResult",
    "Param",
    "ProvgraphClientError",
    "Promotion",
    "Run",
]
