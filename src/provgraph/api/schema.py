"""The strawberry schema: the Query and Mutation types merged from each concern's module, plus the
limits every request runs under. graphql/schema.graphql is this schema printed (a test keeps them equal)."""

from __future__ import annotations

import strawberry
from strawberry.extensions import AddValidationRules, MaxTokensLimiter
from strawberry.extensions.max_aliases import create_validator as alias_limit_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from ..domain.errors import ProvgraphError
from .classifications import ClassificationMutation, ClassificationQuery
from .audit import AuditQuery
from .entities import EntityMutation, EntityQuery
from .experiments import ExperimentQuery
from .errors import ShapeErrors
from .grants import GrantMutation, GrantQuery
from .lineage import LineageQuery
from .principals import PrincipalMutation, PrincipalQuery
from .deployments import DeploymentMutation, DeploymentQuery
from .documents import CachedDocuments
from .input_conversion import build_inputs_from_plans
from .variable_coercion import CoerceLargeVariablesOffLoop, ExecutorTakingCoercedVariables
from .monitoring import MonitoringMutation, MonitoringQuery
from .registry import RegistryMutation, RegistryQuery
from .reports import ReportQuery
from .runs import RunMutation, RunQuery
from .scalars import SCALARS

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000
# Documents that validated are cached (api/documents.py) as validated under these rules, so the rules are
# made once here: QueryDepthLimiter / MaxAliasesLimiter would make a new class per instance.
LIMIT_RULES = [depth_limit_rule(MAX_DEPTH, None), alias_limit_rule(MAX_ALIASES)]

Query = merge_types("Query", (EntityQuery, LineageQuery, PrincipalQuery, ClassificationQuery, AuditQuery, GrantQuery))
Mutation = merge_types("Mutation", (EntityMutation, PrincipalMutation, ClassificationMutation, GrantMutation))
# The ML metadata store (runs, registry, deployments, monitoring).
Query = merge_types("Query", (Query, RunQuery, ExperimentQuery, RegistryQuery, DeploymentQuery, MonitoringQuery))
Mutation = merge_types("Mutation", (Mutation, RunMutation, RegistryMutation, DeploymentMutation, MonitoringMutation))
# Compliance reports (provenance, classification).
Query = merge_types("Query", (Query, ReportQuery))


class ProvgraphSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:  # type: ignore[no-untyped-def]
        # Domain errors are answers, not incidents: log only the unexpected ones.
        unexpected = [e for e in errors if e.original_error is not None and not isinstance(e.original_error, ProvgraphError)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema() -> strawberry.Schema:
    built = ProvgraphSchema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(scalar_map=SCALARS),
        extensions=[
            ShapeErrors,
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: AddValidationRules(LIMIT_RULES),
            CachedDocuments,
            CoerceLargeVariablesOffLoop,
        ],
        execution_context_class=ExecutorTakingCoercedVariables,
    )
    build_inputs_from_plans(built)
    return built


schema = build_schema()


def schema_sdl() -> str:
    return schema.as_str() + "\n"
