"""Reading entities: by id, by name, and search."""

from __future__ import annotations

import re

from ..domain.entities import Entity, EntityType, check_id
from ..domain.errors import LimitExceeded
from ..domain.pages import Page, check_page_size, decode_cursor
from ..domain.principals import Principal
from ..governance.access import READ, AccessControl, ReadScope
from ..domain.classifications import check_classification_name
from ..store import classifications as classification_store
from ..store import entities as entity_store
from ..store.database import Database, Tx
from ..store.entities import InScope, MembersWanted
from ..governance.audit import AuditLog
from .audit import ReadAudit, audits_denials
from .references import not_found

_WORD = re.compile(r"[^\W\d_]+")
MAX_SEARCH_TEXT = 1024
# The index keeps words of at most 255 characters, and Lucene refuses a prefix of more than ~1,000 bytes
# ("input automaton is too large"); 200 letters are at most 800 bytes of UTF-8.
MAX_SEARCH_WORD = 200
MAX_MEMBERS = 1000  # members one page of Entity.members may list


def fulltext_query(text: str) -> str | None:
    """User text to a Lucene query: every word, as a prefix, must match. The index's 'simple' analyzer
    keeps only runs of letters, so the same split here means no Lucene syntax (operators, quotes,
    wildcards, escapes, field names) ever reaches the index: it is all separators. LIMIT_EXCEEDED naming
    `text` when the text or one of its words is longer than the index can search."""
    if len(text) > MAX_SEARCH_TEXT:
        raise LimitExceeded(
            f"text: at most {MAX_SEARCH_TEXT} characters, got {len(text)}", field="text", limit=MAX_SEARCH_TEXT
        )
    words = _WORD.findall(text.lower())
    longest = max(words, key=len, default="")
    if len(longest) > MAX_SEARCH_WORD:
        raise LimitExceeded(
            f"text: a word may be at most {MAX_SEARCH_WORD} letters, got one of {len(longest)}",
            field="text",
            limit=MAX_SEARCH_WORD,
        )
    return " AND ".join(f"{word}*" for word in words) if words else None


def name_filter(text: str | None) -> str | None:
    """A list's text filter (a substring of the name, any case): None when blank; LIMIT_EXCEEDED naming
    `text` past search's limit, so every list's filter is bounded like search."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_SEARCH_TEXT:
        raise LimitExceeded(
            f"text: at most {MAX_SEARCH_TEXT} characters, got {len(text)}", field="text", limit=MAX_SEARCH_TEXT
        )
    return text.strip()


def alias_query(qualified_name: str) -> str | None:
    """The full-text query for entities with these words in their aliases (the exact alias is checked
    in Cypher). None for a name without letters, which the index cannot find."""
    words = _WORD.findall(qualified_name.lower())
    return " AND ".join(f"aliases:{word}" for word in words) if words else None


@audits_denials
class EntityService:
    def __init__(self, db: Database, access: AccessControl, log: AuditLog) -> None:
        self._db = db
        self._access = access
        self._log = log
        self._audit = ReadAudit(log, access)

    async def find(self, principal: Principal, entity_id: str) -> Entity | None:
        """The live entity with this id, or None: also when the caller may not see it, so a hidden
        entity and a missing one get the same answer."""
        check_id(entity_id)
        scope = await self._access.scope(principal)
        found = await self._db.read(
            lambda tx: classification_store.loaded(tx, entity_store.get_in_scope(tx, entity_id, scope.cypher_params()))
        )
        return await self._visible(principal, scope, "entity", found, resource_id=entity_id)

    async def get(self, principal: Principal, entity_id: str) -> Entity:
        """Like find, but a missing entity is NOT_FOUND."""
        entity = await self.find(principal, entity_id)
        if entity is None:
            raise not_found("id", entity_id)
        return entity

    async def get_by_name(self, principal: Principal, entity_type: EntityType, qualified_name: str) -> Entity | None:
        """The entity with this qualifiedName or, when none has it, the one with it among its aliases."""
        self._access.require_type(principal, READ, entity_type)
        scope = await self._access.scope(principal)
        name = qualified_name.strip()

        async def lookup(tx: Tx) -> InScope | None:
            found = await entity_store.by_name_in_scope(tx, entity_type, name, scope.cypher_params())
            query = alias_query(name)
            if found is None and query is not None:
                found = await entity_store.by_alias_in_scope(tx, entity_type, name, query, scope.cypher_params())
            return found

        found = await self._db.read(lambda tx: classification_store.loaded(tx, lookup(tx)))
        return await self._visible(principal, scope, "entityByName", found, resource_type=entity_type)

    async def _visible(
        self,
        principal: Principal,
        scope: ReadScope,
        operation: str,
        found: InScope | None,
        resource_id: str | None = None,
        resource_type: EntityType | None = None,
    ) -> Entity | None:
        """The entity if live and visible, else None; the read (or its denial) is audited either way."""
        live = found if found is not None and not found.entity.deleted else None
        about = live.found if live else None
        await self._audit.reads(
            principal,
            operation,
            scope,
            resource_id=about.id if about else resource_id,
            resource_type=about.type if about else resource_type,
            seen=[about] if about and live.visible else [],
            hidden=[about] if about and not live.visible else [],
            found=live is not None and live.visible,
        )
        return live.entity if live and live.visible else None

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
        if classification is not None:
            check_classification_name(classification, "classification")
        labels = None if not types or set(types) == set(EntityType) else sorted({t.label for t in types})
        query = None
        if text is not None and text.strip():
            query = fulltext_query(text)
            if query is None:
                return Page(items=[], offset=offset, total=0)
        scope = await self._access.scope(principal)

        async def work(tx: Tx) -> tuple[int, list[InScope]]:
            total, found = await entity_store.search(tx, query, labels, offset, first, scope.cypher_params(), classification)
            return total, await classification_store.with_classifications(tx, found)

        total, found = await self._db.read(work)
        await self._audit.reads(
            principal,
            "search",
            scope,
            seen=[f.found for f in found],
            total=total,
        )
        return Page(items=[f.entity for f in found], offset=offset, total=total)

    def allowed_actions(self, principal: Principal, entity_type: EntityType, entity_id: str, owners: list[str]) -> list[str]:
        """Entity.allowedActions: read, write, classify, approve as the policy decides them for the caller
        (governance/access.py), so the console offers only what the services will allow."""
        return self._access.allowed_actions(principal, entity_type, entity_id, owners)

    # -- containment (Entity.container, Entity.members) -------------------------------------------

    async def containers(self, principal: Principal, member_ids: list[str]) -> dict[str, Entity]:
        """The live container of each member, by member id, for a whole request batch in one query.
        A container the caller may not see is left out, exactly like a member without one; the read
        (and each hidden container met) is audited."""
        ids = list(dict.fromkeys(member_ids))

        async def work(tx: Tx) -> tuple[ReadScope, dict[str, InScope], dict[str, Entity]]:
            scope = await self._access.scope(principal, tx)
            found = await entity_store.containers_in_scope(tx, ids, scope.cypher_params())
            visible = list({f.entity.id: f for f in found.values() if f.visible}.values())
            loaded = await classification_store.with_classifications(tx, visible)
            return scope, found, {f.entity.id: f.entity for f in loaded}

        scope, found, loaded = await self._db.read(work)
        containers = {f.entity.id: f for f in found.values()}.values()
        await self._audit.reads(
            principal,
            "container",
            scope,
            seen=[c.found for c in containers if c.visible],
            hidden=[c.found for c in containers if not c.visible],
        )
        return {member: loaded[f.entity.id] for member, f in found.items() if f.visible}

    @staticmethod
    def members_wanted(
        container_id: str, first: int, after: str | None, types: list[EntityType] | None = None
    ) -> MembersWanted:
        """A page of members as asked for, checked (LIMIT_EXCEEDED naming `first` past MAX_MEMBERS,
        BAD_INPUT for a bad `after`) before anything is read."""
        check_page_size(first, limit=MAX_MEMBERS)
        labels = None if not types or set(types) == set(EntityType) else tuple(sorted({t.label for t in types}))
        return MembersWanted(container_id, decode_cursor(after), first, labels)

    async def members(self, principal: Principal, wanted: list[MembersWanted]) -> dict[MembersWanted, Page[Entity]]:
        """Pages of containers' live members, for a whole request batch: one count and one page query per
        page shape (store/entities.py). Members the caller may not see are filtered in Cypher, so neither
        a page nor its total reveals them."""

        async def work(tx: Tx) -> tuple[ReadScope, dict[MembersWanted, tuple[int, list[InScope]]]]:
            scope = await self._access.scope(principal, tx)
            pages = await entity_store.members_in_scope(tx, wanted, scope.cypher_params())
            loaded = await classification_store.with_classifications(tx, [m for _, ms in pages.values() for m in ms])
            by_id = {m.entity.id: m for m in loaded}
            return scope, {w: (total, [by_id[m.entity.id] for m in ms]) for w, (total, ms) in pages.items()}

        scope, pages = await self._db.read(work)
        seen = {m.entity.id: m for _, ms in pages.values() for m in ms}.values()
        await self._audit.reads(
            principal,
            "members",
            scope,
            seen=[m.found for m in seen],
            containers=len({w.container_id for w in wanted}),
        )
        empty = (0, [])
        return {
            w: Page(items=[m.entity for m in pages.get(w, empty)[1]], offset=w.skip, total=pages.get(w, empty)[0])
            for w in wanted
        }
