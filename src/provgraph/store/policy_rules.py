"""Stored casbin rules (runtime grants) and the policy version counter (cypher/grants.cypher)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .database import Tx


def rule_key(ptype: str, rule: Sequence[str]) -> str:
    """A rule's identity, as its policy line: `p, principal:ann, entity:..., read, allow`."""
    return ", ".join([ptype, *rule])


async def load(tx: Tx) -> tuple[int, list[tuple[str, list[str]]]]:
    record = await tx.single("policy_rules")
    return record["version"], [(row["ptype"], list(row["rule"])) for row in record["rules"]]


async def version(tx: Tx) -> int:
    return (await tx.single("policy_version"))["version"]


async def add(tx: Tx, ptype: str, rules: Sequence[Sequence[str]]) -> int:
    """Stores the rules not stored yet; returns how many were new. Moves the version when any was."""
    rows = [{"key": rule_key(ptype, rule), "ptype": ptype, "rule": list(rule)} for rule in rules]
    created = sum(1 for r in await tx.records("add_policy_rules", rules=rows) if r["created"])
    if created:
        await tx.single("bump_policy_version")
    return created


async def remove(tx: Tx, ptype: str, rules: Sequence[Sequence[str]]) -> int:
    removed = len(await tx.records("remove_policy_rules", keys=[rule_key(ptype, rule) for rule in rules]))
    if removed:
        await tx.single("bump_policy_version")
    return removed


async def remove_filtered(tx: Tx, ptype: str, field_index: int, values: Sequence[str]) -> int:
    removed = len(await tx.records("remove_filtered_policy_rules", ptype=ptype, fieldIndex=field_index, values=list(values)))
    if removed:
        await tx.single("bump_policy_version")
    return removed


async def replace_all(tx: Tx, rules: Sequence[tuple[str, Sequence[str]]]) -> None:
    await tx.single("remove_all_policy_rules")
    for ptype in sorted({ptype for ptype, _ in rules}):
        await tx.records(
            "add_policy_rules",
            rules=[{"key": rule_key(p, r), "ptype": p, "rule": list(r)} for p, r in rules if p == ptype],
        )
    await tx.single("bump_policy_version")


async def restricted_classifications(tx: Tx) -> frozenset[str]:
    return frozenset((await tx.single("restricted_classification_names"))["names"])


async def classification_def(tx: Tx, name: str) -> dict | None:
    return await tx.single("classification_def_exists", name=name)


async def grants_of(tx: Tx, subject: str | None, limit: int) -> list[tuple[list[str], datetime]]:
    return [(list(r["rule"]), r["createdAt"]) for r in await tx.records("grants_of", subject=subject, limit=limit)]


async def swap_builtin_digest(tx: Tx, digest: str) -> str | None:
    """Records the deployed policy files' digest; returns the one recorded before (None the first time)."""
    await tx.single("lock_policy_version")
    return (await tx.single("swap_builtin_policy_digest", digest=digest))["before"]
