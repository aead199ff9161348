"""Model registry repository (cypher/registry.cypher): version numbers, aliases, promotion requests."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..domain.registry import (
    AliasAssignment,
    Model,
    ModelVersion,
    Promotion,
    PromotionStatus,
    alias_from_record,
    promotion_from_record,
)
from .database import Tx
from .entities import entity_from_record


async def lock_model(tx: Tx, model_id: str) -> dict[str, Any] | None:
    return await tx.single("lock_model", modelId=model_id)


async def next_version(tx: Tx, model_id: str) -> int:
    return (await tx.single("next_model_version", modelId=model_id))["version"]


async def set_version(tx: Tx, version_id: str, version: int, run_id: str | None) -> None:
    await tx.single("set_model_version", versionId=version_id, version=version, runId=run_id)


async def version_of_model(tx: Tx, version_id: str) -> dict[str, Any] | None:
    """{id, owners, modelId, version} of a live version, or None."""
    return await tx.single("version_of_model", versionId=version_id)


async def current_alias(tx: Tx, model_id: str, alias: str) -> AliasAssignment | None:
    record = await tx.single("current_alias", modelId=model_id, alias=alias)
    return alias_from_record(record["assignment"]) if record else None


async def move_alias(
    tx: Tx, model_id: str, version_id: str, alias: str, principal: str, promotion_id: str | None
) -> tuple[AliasAssignment, str | None]:
    record = await tx.single(
        "move_alias", modelId=model_id, versionId=version_id, alias=alias, principal=principal, promotionId=promotion_id
    )
    return alias_from_record(record["assignment"]), record["previousVersionId"]


async def end_alias(tx: Tx, model_id: str, alias: str, principal: str) -> AliasAssignment | None:
    record = await tx.single("end_alias", modelId=model_id, alias=alias, principal=principal)
    return alias_from_record(record["assignment"]) if record else None


async def alias_history(tx: Tx, model_id: str, alias: str | None, limit: int) -> list[AliasAssignment]:
    records = await tx.records("alias_history", modelId=model_id, alias=alias, limit=limit)
    return [alias_from_record(r["assignment"]) for r in records]


async def restricted_upstream(tx: Tx, entity_id: str) -> list[str]:
    record = await tx.single("restricted_upstream", id=entity_id)
    return sorted(record["names"]) if record else []


async def create_promotion(
    tx: Tx, promotion_id: str, model_id: str, version_id: str, alias: str, principal: str, comment: str | None, restricted: list[str]
) -> Promotion:
    record = await tx.single(
        "create_promotion",
        id=promotion_id,
        modelId=model_id,
        versionId=version_id,
        alias=alias,
        principal=principal,
        comment=comment,
        restricted=restricted,
    )
    return promotion_from_record(record["promotion"])


async def pending_promotion(tx: Tx, version_id: str, alias: str) -> Promotion | None:
    record = await tx.single("pending_promotion", versionId=version_id, alias=alias)
    return promotion_from_record(record["promotion"]) if record else None


async def lock_promotion(tx: Tx, promotion_id: str) -> Promotion | None:
    record = await tx.single("lock_promotion", id=promotion_id)
    return promotion_from_record(record["promotion"]) if record else None


async def decide_promotion(tx: Tx, promotion_id: str, status: PromotionStatus, principal: str, comment: str | None) -> Promotion:
    record = await tx.single("decide_promotion", id=promotion_id, status=status.value, principal=principal, comment=comment)
    return promotion_from_record(record["promotion"])


async def promotion(tx: Tx, promotion_id: str) -> Promotion | None:
    record = await tx.single("promotion_by_id", id=promotion_id)
    return promotion_from_record(record["promotion"]) if record else None


async def promotions_page(
    tx: Tx,
    status: PromotionStatus | None,
    model_id: str | None,
    scope_params: dict[str, list[str]],
    owner: str,
    skip: int,
    limit: int,
) -> tuple[int, list[Promotion]]:
    """One page of promotion requests whose version the read scope (`ReadScope.cypher_params`) shows."""
    record = await tx.single(
        "promotions_page",
        status=status.value if status else None,
        modelId=model_id,
        owner=owner,
        skip=skip,
        limit=limit,
        **scope_params,
    )
    return record["total"], [promotion_from_record(p) for p in record["page"]]


async def versions(tx: Tx, ids: list[str]) -> dict[str, ModelVersion]:
    """Versions by id (those that exist), each with its current aliases and promotion requests."""
    promotions: dict[str, list[Promotion]] = defaultdict(list)
    for r in await tx.records("promotions_of_versions", ids=ids):
        promotions[r["id"]].append(promotion_from_record(r["promotion"]))
    found = {}
    for r in await tx.records("model_version_details", ids=ids):
        node = r["version"]
        found[node["id"]] = ModelVersion(
            entity=entity_from_record(node),
            model_id=r["modelId"],
            version=node.get("version"),
            run_id=r["runId"],
            aliases=list(r["aliases"]),
            classification_names=tuple(node.get("classificationNames") or ()),
            promotions=promotions.get(node["id"], []),
        )
    return found


async def model(tx: Tx, model_id: str) -> Model | None:
    return (await models(tx, [model_id])).get(model_id)


async def models(tx: Tx, ids: list[str]) -> dict[str, Model]:
    """Models by id (those that exist), each with its current aliases, in one query."""
    found = {}
    for record in await tx.records("model_details", ids=ids):
        node = record["model"]
        found[node["id"]] = Model(
            entity=entity_from_record(node),
            latest_version=node.get("latestVersion"),
            aliases=[alias_from_record(a) for a in record["aliases"]],
            classification_names=tuple(node.get("classificationNames") or ()),
        )
    return found


async def model_version_ids(tx: Tx, model_id: str, limit: int) -> list[str]:
    return [r["id"] for r in await tx.records("model_versions", modelId=model_id, limit=limit)]


async def version_by_alias(tx: Tx, model_id: str, alias: str) -> str | None:
    record = await tx.single("version_by_alias", modelId=model_id, alias=alias)
    return record["id"] if record else None


async def version_by_number(tx: Tx, model_id: str, version: int) -> str | None:
    record = await tx.single("version_by_number", modelId=model_id, version=version)
    return record["id"] if record else None

