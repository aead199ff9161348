"""Reading entities: by id, by name, and search."""

from __future__ import annotations

import re

from ..domain.entities import Entity, EntityType, check_id
from ..domain.errors import NotFound
from ..domain.pages import Page, check_page_size, decode_cursor
from ..domain.principals import Principal
from ..governance.access import READ, AccessControl
from ..store import entities as entity_store
from ..store.database import Database, Tx

_WORD = re.compile(r"[^\W\d_]+")
MAX_SEARCH_TEXT = 1024


def fulltext_query(text: str) -> str | None:
    """User text to a Lucene query: every word, as a prefix, must match. The index's 'simple' analyzer
    keeps only runs of letters, so the same split here means no Lucene syntax ever reaches the index."""
    words = _WORD.findall(text.lower())
    return " AND ".join(f"{word}*" for word in words) if words else None


class EntityService:
    def __init__(self, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access

    async def find(self, principal: Principal, entity_id: str) -> Entity | None:
        """The live entity with this id, or None."""
        check_id(entity_id)
        entity = await self._db.read(lambda tx: entity_store.get(tx, entity_id))
        if entity is None or entity.deleted:
            return None
        self._access.require_type(principal, READ, entity.type)
        return entity

    async def get(self, principal: Principal, entity_id: str) -> Entity:
        """Like find, but a missing entity is NOT_FOUND."""
        entity = await self.find(principal, entity_id)
        if entity is None:
            raise NotFound(f"id: no entity with id {entity_id!r}", field="id")
        return entity

    async def get_by_name(self, principal: Principal, entity_type: EntityType, qualified_name: str) -> Entity | None:
        self._access.require_type(principal, READ, entity_type)
        entity = await self._db.read(lambda tx: entity_store.by_name(tx, entity_type, qualified_name.strip()))
        return None if entity is None or entity.deleted else entity

    async def search(
        self,
        principal: Principal,
        text: str | None,
        types: list[EntityType] | None,
        first: int,
        after: str | None,
        classification: str | None = None,
    ) -> Page[Entity]:
        check_page_size(first)
        offset = decode_cursor(after)
        wanted = types or list(EntityType)
        readable = [t for t in wanted if self._access.allows(principal, READ, f"type:{t.label}")]
        if not readable:
            return Page(items=[], offset=offset, total=0)
        labels = None if len(readable) == len(EntityType) else [t.label for t in readable]
        query = None
        if text is not None and text.strip():
            query = fulltext_query(text[:MAX_SEARCH_TEXT])
            if query is None:
                return Page(items=[], offset=offset, total=0)

        async def work(tx: Tx) -> Page[Entity]:
            total, items = await entity_store.search(tx, query, labels, offset, first)
            return Page(items=items, offset=offset, total=total)

        return await self._db.read(work)
