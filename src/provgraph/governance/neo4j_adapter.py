"""The casbin adapter the project owns (no Neo4j adapter exists): runtime rules live in Neo4j as
`(:PolicyRule {key, ptype, rule})` nodes next to a `(:PolicyVersion {version})` counter.

Why async, on the project's own Database: pycasbin 2.x has an async enforcer and adapter interface, so
loading goes through the same async driver, `execute_read`/`execute_write` and error mapping as every
other query; a second, synchronous driver inside an async server would block the event loop.

What it loads: the built-in role table from policies/policy.csv (policies as code, never copied into
the store) followed by the stored runtime rules. Every change to the stored rules moves the version in
the same transaction, and each API process compares that version at most once a second
(`AccessControl.refresh`), so a grant made through one replica is enforced by all within seconds.

Changes that must be audited call the transaction-level functions in store/policy_rules.py themselves
(grant and its audit event commit together); the casbin methods here each run their own transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from casbin.persist import load_policy_line
from casbin.persist.adapters.asyncio import AsyncAdapter

from ..domain.audit import ALLOW, AuditRecord
from ..resources import resource_dir
from ..store import policy_rules
from ..store.database import Database, Tx
from .audit import AuditLog

SYSTEM = "system"


class Neo4jPolicyAdapter(AsyncAdapter):
    def __init__(self, db: Database, policy_file: Path | None = None) -> None:
        self._db = db
        self._policy_file = policy_file or resource_dir("policies") / "policy.csv"
        self.loaded_version = -1  # nothing loaded yet: the first refresh loads

    # -- casbin's adapter interface ----------------------------------------------------------------

    async def load_policy(self, model) -> None:  # type: ignore[no-untyped-def]
        for line in self._file_lines():
            load_policy_line(line, model)
        version, rules = await self._db.read(policy_rules.load)
        for ptype, rule in rules:
            load_policy_line(", ".join([ptype, *rule]), model)
        self.loaded_version = version

    async def save_policy(self, model) -> bool:  # type: ignore[no-untyped-def]
        """Stores the model's rules that are not built in (the file's rules stay in the file)."""
        built_in = {line.replace(" ", "") for line in self._file_lines()}
        rules = [
            (ptype, list(rule))
            for sec in ("p", "g")
            if sec in model.model
            for ptype, assertion in model.model[sec].items()
            for rule in assertion.policy
            if ", ".join([ptype, *rule]).replace(" ", "") not in built_in
        ]
        await self._db.write(lambda tx: policy_rules.replace_all(tx, rules))
        return True

    async def add_policy(self, sec: str, ptype: str, rule: Sequence[str]) -> bool:
        return bool(await self._db.write(lambda tx: policy_rules.add(tx, ptype, [rule])))

    async def add_policies(self, sec: str, ptype: str, rules: Sequence[Sequence[str]]) -> bool:
        return bool(await self._db.write(lambda tx: policy_rules.add(tx, ptype, rules)))

    async def remove_policy(self, sec: str, ptype: str, rule: Sequence[str]) -> bool:
        return bool(await self._db.write(lambda tx: policy_rules.remove(tx, ptype, [rule])))

    async def remove_policies(self, sec: str, ptype: str, rules: Sequence[Sequence[str]]) -> bool:
        return bool(await self._db.write(lambda tx: policy_rules.remove(tx, ptype, rules)))

    async def remove_filtered_policy(self, sec: str, ptype: str, field_index: int, *field_values: str) -> bool:
        return bool(await self._db.write(lambda tx: policy_rules.remove_filtered(tx, ptype, field_index, field_values)))

    # -- what AccessControl asks of its policy source ---------------------------------------------

    async def stored_version(self) -> int:
        return await self._db.read(policy_rules.version)

    async def restricted_classifications(self, tx: Tx | None = None) -> frozenset[str]:
        if tx is not None:
            return await policy_rules.restricted_classifications(tx)
        return await self._db.read(policy_rules.restricted_classifications)

    async def audit_policy_files(self) -> bool:
        """Records a `policy-change` audit event when the deployed model.conf + policy.csv differ from
        the ones recorded last (the role table is code: its deployments are audited like grants)."""
        files = [self._policy_file.parent / "model.conf", self._policy_file]
        digest = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()

        async def work(tx: Tx) -> bool:
            before = await policy_rules.swap_builtin_digest(tx, digest)
            if before == digest:
                return False
            event = AuditRecord(
                SYSTEM, "policy-change", ALLOW, "deployment: policies/ as shipped with this release",
                resource_id="policies", resource_type="policy", details={"digest": digest, "previous": before},
            )
            await AuditLog(self._db).append(tx, [event])
            return True

        return await self._db.write(work)

    def _file_lines(self) -> list[str]:
        lines = self._policy_file.read_text(encoding="utf-8").splitlines()
        return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
