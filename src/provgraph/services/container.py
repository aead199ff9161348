"""All services over one database, built once per process (API, CLI and tests alike)."""

from __future__ import annotations

from dataclasses import dataclass

from ..governance.access import AccessControl
from ..governance.audit import AuditLog
from ..governance.neo4j_adapter import Neo4jPolicyAdapter
from ..store import audit as audit_store
from ..store.database import Database
from .audit import AuditService, record_denials
from .classifications import ClassificationService
from .deployments import DeploymentService
from .entities import EntityService
from .grants import GrantService
from .ingest import IngestService
from .monitoring import MonitoringService
from .reports import ReportService
from .lineage import LineageService
from .openlineage import OpenLineageService
from .principals import PrincipalService
from .registry import RegistryService
from .runs import RunService


@dataclass(frozen=True)
class Services:
    db: Database
    access: AccessControl
    entities: EntityService
    ingest: IngestService
    lineage: LineageService
    openlineage: OpenLineageService
    principals: PrincipalService
    grants: GrantService
    audit: AuditService
    classifications: ClassificationService
    runs: RunService
    registry: RegistryService
    deployments: DeploymentService
    monitoring: MonitoringService
    reports: ReportService

    @classmethod
    def build(cls, db: Database, access: AccessControl | None = None) -> "Services":
        access = access or AccessControl.from_policies(adapter=Neo4jPolicyAdapter(db))
        log = AuditLog(db)
        # record_denials: every FORBIDDEN a service raises is written to the audit log on its way out.
        return cls(
            db=db,
            access=access,
            entities=record_denials(EntityService(db, access), log),
            ingest=record_denials(IngestService(db, access), log),
            lineage=record_denials(LineageService(db, access), log),
            openlineage=record_denials(OpenLineageService(db, access, log), log),
            principals=record_denials(PrincipalService(db, access, log), log),
            grants=record_denials(GrantService(db, access, log), log),
            audit=record_denials(AuditService(db, access, log), log),
            classifications=record_denials(ClassificationService(db, access, log), log),
            runs=record_denials(RunService(db, access, log), log),
            registry=record_denials(RegistryService(db, access, log), log),
            deployments=record_denials(DeploymentService(db, access, log), log),
            monitoring=record_denials(MonitoringService(db, access, log), log),
            reports=record_denials(ReportService(db, access, LineageService(db, access), log), log),
        )

    async def prepare(self) -> None:
        """Schema and built-in data; idempotent, run at every start."""
        await self.db.apply_schema()
        await self.seed_builtins()

    async def seed_builtins(self) -> None:
        """Built-in data every store has (nothing yet beyond the schema; classifications add theirs)."""
        await self.db.write(audit_store.ensure_head)
        await self.classifications.seed_builtins()
        # The stored grants may differ from what this process holds (a fresh, wiped or restored store).
        await self.access.load()
        await self.access.audit_policy_files()  # a new role table (policies/) is a policy change: audited
