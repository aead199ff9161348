"""The Neo4j driver, one transaction at a time, with driver failures mapped to domain errors.

Reads go through `execute_read` and writes through `execute_write` so a `neo4j://` routing URI spreads
reads over a cluster's readers (docs/ARCHITECTURE.md §7). Every transaction gets one timestamp, `tx.now`, so all that it
writes carries the same time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction
from neo4j.exceptions import ConstraintError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired
from neo4j.graph import Node, Path, Relationship

from ..domain.entities import EntityType
from ..domain.errors import Conflict, Unavailable
from .queries import QueryCatalog
from .retry import RetryPolicy
from . import temporal_codec

T = TypeVar("T")

UNAVAILABLE_MESSAGE = "the graph database is unreachable; nothing was written, try again shortly"


_PLAIN = (str, int, float, bool, type(None))


def native(value: Any) -> Any:
    """A driver value as plain Python, in one pass: temporal values to datetimes, nodes to their
    properties, relationships and paths as Record.data() gives them (which would be a second pass over
    every value). Plain values are tested first: a large lineage answer is tens of thousands of them."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, Node):
        return native(dict(value))
    if isinstance(value, Relationship):
        return (native(dict(value.start_node)), value.type, native(dict(value.end_node)))
    if isinstance(value, Path):
        path = [native(value.start_node)]
        for relationship, node in zip(value.relationships, value.nodes[1:]):
            path += [relationship.type, native(node)]
        return path
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


class Tx:
    """A managed transaction that runs named queries."""

    def __init__(self, tx: AsyncManagedTransaction, queries: QueryCatalog, now: datetime) -> None:
        self._tx = tx
        self._queries = queries
        self.now = now

    async def records(self, query: str, entity_type: EntityType | None = None, /, **params: Any) -> list[dict[str, Any]]:
        result = await self._tx.run(self._queries.render(query, entity_type), {"now": self.now, **params})
        return [native(dict(record.items())) async for record in result]

    async def single(self, query: str, entity_type: EntityType | None = None, /, **params: Any) -> dict[str, Any] | None:
        rows = await self.records(query, entity_type, **params)
        return rows[0] if rows else None


class Database:
    def __init__(
        self, driver: AsyncDriver, queries: QueryCatalog, database: str = "neo4j", retry: RetryPolicy | None = None
    ) -> None:
        self.driver = driver
        self.queries = queries
        self.database = database
        self.retry = retry or RetryPolicy()

    @classmethod
    def connect(
        cls,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str = "neo4j",
        connect_timeout: float = 2.0,
        retry_time: float = 3.0,
        queries: QueryCatalog | None = None,
        unavailable_after: float = 2.5,
    ) -> "Database":
        """`connect_timeout` bounds one attempt's wait for a connection (opening one, or a free one from
        the pool under load); `retry_time` is how long transient errors are retried; an unreachable
        database is answered UNAVAILABLE within `unavailable_after` seconds (store/retry.py)."""
        auth = (user or "neo4j", password) if password else None
        temporal_codec.install()  # before the first connection: each reads the codec when it opens
        driver = AsyncGraphDatabase.driver(
            uri,
            auth=auth,
            connection_timeout=connect_timeout,
            connection_acquisition_timeout=connect_timeout,
            max_transaction_retry_time=0,  # one attempt per call: RetryPolicy retries
            notifications_min_severity="OFF",
        )
        retry = RetryPolicy(unavailable_after=unavailable_after, attempt_timeout=connect_timeout, transient_for=retry_time)
        return cls(driver, queries or QueryCatalog.load(), database, retry)

    async def close(self) -> None:
        await self.driver.close()

    async def read(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        return await self._execute(work, write=False)

    async def write(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        return await self._execute(work, write=True)

    async def _execute(self, work: Callable[[Tx], Awaitable[T]], write: bool) -> T:
        async def unit(tx: AsyncManagedTransaction) -> T:
            return await work(Tx(tx, self.queries, datetime.now(UTC)))

        async def attempt() -> T:
            async with self.driver.session(database=self.database) as session:
                runner = session.execute_write if write else session.execute_read
                return await runner(unit)

        try:
            return await self.retry.run(attempt)
        except ConstraintError as exc:
            raise Conflict(f"a concurrent change conflicted with this one: {exc.message}") from exc
        except (ServiceUnavailable, SessionExpired) as exc:
            raise Unavailable(UNAVAILABLE_MESSAGE) from exc
        except (DriverError, OSError) as exc:
            if isinstance(exc, Neo4jError):
                raise
            raise Unavailable(UNAVAILABLE_MESSAGE) from exc

    async def ping(self) -> bool:
        try:
            await self.read(lambda tx: tx.records("ping"))
            return True
        except Unavailable:
            return False

    async def apply_schema(self, patience: float = 60.0) -> None:
        """Creates every constraint and index (idempotent). Schema statements run outside explicit
        transactions, one at a time, in the order cypher/schema.cypher lists them. A database that is
        still starting (or too busy to answer within the connect timeout) is waited for, up to
        `patience` seconds: this runs once, at startup."""

        async def attempt() -> None:
            async with self.driver.session(database=self.database) as session:
                for name in self.queries.names_in_order("schema_"):
                    await (await session.run(self.queries.get(name))).consume()

        try:
            await replace(self.retry, unavailable_after=patience).run(attempt)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise Unavailable(UNAVAILABLE_MESSAGE) from exc
