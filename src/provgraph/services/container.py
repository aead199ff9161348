"""All services over one database, built once per process (API, CLI and tests alike)."""

from __future__ import annotations

from dataclasses import dataclass

from ..governance.access import AccessControl
from ..store.database import Database
from .entities import EntityService
from .ingest import IngestService
from .principals import PrincipalService


@dataclass(frozen=True)
class Services:
    db: Database
    access: AccessControl
    entities: EntityService
    ingest: IngestService
    principals: PrincipalService

    @classmethod
    def build(cls, db: Database, access: AccessControl | None = None) -> "Services":
        access = access or AccessControl.from_policies()
        return cls(
            db=db,
            access=access,
            entities=EntityService(db, access),
            ingest=IngestService(db, access),
            principals=PrincipalService(db, access),
        )

    async def prepare(self) -> None:
        """Schema and built-in data; idempotent, run at every start."""
        await self.db.apply_schema()
        await self.seed_builtins()

    async def seed_builtins(self) -> None:
        """Built-in data every store has (nothing yet beyond the schema; classifications add theirs)."""
