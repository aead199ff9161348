"""All services over one database, built once per process (API, CLI and tests alike)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..domain.sessions import SessionLifetime
from ..config import Settings
from ..domain.errors import ProvgraphError
from ..governance.access import AccessControl
from ..governance.audit import AuditLog
from ..governance.audit_anchors import Anchoring
from ..governance.audit_sequencer import AuditSequencer
from ..governance.auth_failures import FailedLogins
from ..governance.neo4j_adapter import Neo4jPolicyAdapter
from ..store import audit as audit_store
from ..store.database import Database
from .artifacts import ArtifactService
from .audit import AuditService
from .classifications import ClassificationService
from .deployments import DeploymentService
from .entities import EntityService
from .experiments import ExperimentService
from .grants import GrantService
from .ingest import IngestService
from .monitoring import MonitoringService
from .reports import ReportService
from .lineage import LineageService
from .openlineage import OpenLineageService
from .principals import PrincipalService
from .registry import RegistryService
from .runs import RunService
from .sessions import SessionService
from .webhooks import WebhookDelivery

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    db: Database
    access: AccessControl
    log: AuditLog
    sequencer: AuditSequencer
    entities: EntityService
    ingest: IngestService
    lineage: LineageService
    openlineage: OpenLineageService
    principals: PrincipalService
    sessions: SessionService
    grants: GrantService
    audit: AuditService
    classifications: ClassificationService
    runs: RunService
    experiments: ExperimentService
    artifacts: ArtifactService
    registry: RegistryService
    deployments: DeploymentService
    monitoring: MonitoringService
    reports: ReportService

    @classmethod
    def build(cls, db: Database, access: AccessControl | None = None, settings: Settings | None = None) -> "Services":
        settings = settings or Settings()
        access = access or AccessControl.from_policies(adapter=Neo4jPolicyAdapter(db))
        # One log and one group committer per process: every read and denial event shares its transactions.
        log = AuditLog(db, AuditLog.committer(db, settings.audit_commit_delay), record_reads=settings.audit_reads)
        anchoring = (
            Anchoring(
                db, settings.audit_anchor_key, file=settings.anchor_file, url=settings.audit_anchor_url,
                interval=settings.audit_anchor_interval,
            )
            if settings.audit_anchor_key
            else None
        )
        sequencer = AuditSequencer(
            db, lease_seconds=settings.audit_lease_seconds, interval=settings.audit_sequence_interval,
            after_pass=anchoring.due if anchoring else None,  # only the lease holder anchors
        )
        principals = PrincipalService(
            db, access, log, FailedLogins(settings.auth_failure_window, settings.auth_failure_threshold)
        )
        session_lifetime = SessionLifetime.of_seconds(settings.session_ttl_seconds, settings.session_idle_seconds)
        runs = RunService(db, access, log)
        lineage = LineageService(db, access, log)
        # Every service but sessions audits its denials: each class carries @audits_denials
        # (services/audit.py).
        return cls(
            db=db,
            access=access,
            log=log,
            sequencer=sequencer,
            entities=EntityService(db, access, log),
            ingest=IngestService(db, access, log),
            lineage=lineage,
            openlineage=OpenLineageService(db, access, log),
            principals=principals,
            sessions=SessionService(db, access, principals, log, session_lifetime),
            grants=GrantService(db, access, log),
            audit=AuditService(db, access, log, sequencer),
            classifications=ClassificationService(db, access, log),
            runs=runs,
            experiments=ExperimentService(db, access, log),
            artifacts=ArtifactService(db, access, runs, log),
            registry=RegistryService(db, access, log),
            deployments=DeploymentService(db, access, log),
            monitoring=MonitoringService(db, access, log, WebhookDelivery(db)),
            reports=ReportService(db, access, lineage, log),
        )

    async def prepare(self) -> None:
        """Schema and built-in data; idempotent, run at every start."""
        await self.db.apply_schema()
        await self.seed_builtins()

    async def shut_down_audit(self) -> None:
        """On shutdown: the open login-failure windows are summarised, events still in the group
        committer are written, the sequencer stops after a last pass (when it holds the lease) and
        releases the lease so another replica takes over at once."""
        try:
            await self.principals.record_login_failures(close_all=True)
            await self.log.flush()
            if self.sequencer.holding:
                await self.sequencer.sequence_pending()
        except ProvgraphError as error:  # the database is gone: the next sequencer chains what is pending
            log.warning("audit shutdown: %s", error.message)
        await self.sequencer.stop()

    async def seed_builtins(self) -> None:
        """Built-in data every store has (nothing yet beyond the schema; classifications add theirs)."""
        await self.db.write(audit_store.ensure_head)
        await self.classifications.seed_builtins()
        # The stored grants may differ from what this process holds (a fresh, wiped or restored store).
        await self.access.load()
        await self.access.audit_policy_files()  # a new role table (policies/) is a policy change: audited
