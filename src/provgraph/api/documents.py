"""GraphQL documents: their size capped before anything parses them, and the valid ones cached.

Clients send the same few operations over and over; parsing and validating one costs ~20 ms, so parsed
documents that validated are kept, by query text. The cache is bounded by the bytes of the texts it holds
(the parsed tree is proportional to them), never by a count of entries, and keeps no document larger than
`MAX_CACHED_DOCUMENT_BYTES`: an operation a client sends again is small, and a large one would only push
the useful ones out. A document over the server's size limit is refused before it is parsed at all
(LIMIT_EXCEEDED naming the limit): data belongs in variables.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

from ..domain.errors import LimitExceeded

MAX_CACHED_DOCUMENT_BYTES = 16 * 1024
DOCUMENT_CACHE_BYTES = 2 * 1024 * 1024


def document_bytes(query: str) -> int:
    return len(query.encode("utf-8", "surrogatepass"))


def check_document_size(query: str | None, limit: int) -> None:
    """LIMIT_EXCEEDED when `query` is over `limit` bytes of UTF-8. A text with more characters than the
    limit is over it without being encoded (a 60 MB literal costs nothing to refuse)."""
    if query is not None and (len(query) > limit or document_bytes(query) > limit):
        raise LimitExceeded(
            f"query: a GraphQL document may be at most {limit} bytes; pass data in variables", field="query", limit=limit
        )


class DocumentCache:
    """Least-recently-used documents by query text, holding at most `max_bytes` of text in all."""

    def __init__(self, max_bytes: int = DOCUMENT_CACHE_BYTES, max_entry_bytes: int = MAX_CACHED_DOCUMENT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.total_bytes = 0
        self._entries: OrderedDict[str, tuple[DocumentNode, int]] = OrderedDict()
        # Apps on several threads (tests, an embedding host) share the cache; the lock guards only the
        # bookkeeping below, never a parse.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, query: str) -> DocumentNode | None:
        with self._lock:
            entry = self._entries.get(query)
            if entry is None:
                return None
            self._entries.move_to_end(query)
            return entry[0]

    def put(self, query: str, document: DocumentNode) -> None:
        if len(query) > self.max_entry_bytes:
            return
        size = document_bytes(query)
        if size > self.max_entry_bytes:
            return
        with self._lock:
            if query in self._entries:
                return
            self._entries[query] = (document, size)
            self.total_bytes += size
            while self.total_bytes > self.max_bytes:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.total_bytes -= evicted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.total_bytes = 0


DOCUMENTS = DocumentCache()


class CachedDocuments(SchemaExtension):
    """Serves a cached document in place of parsing and validating it again; caches a document once it
    has parsed and validated without errors. Documents that fail are left to strawberry's own steps, so
    their errors are shaped like every other (and never cached)."""

    def __init__(self) -> None:
        super().__init__()
        self._cached = False

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query and context.graphql_document is None:
            document = DOCUMENTS.get(context.query)
            if document is not None:
                context.graphql_document = document
                self._cached = True
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self._cached:
            context.pre_execution_errors = []  # it validated when it was cached; strawberry skips validation
        yield
        if not self._cached and context.query and context.graphql_document is not None and context.pre_execution_errors == []:
            DOCUMENTS.put(context.query, context.graphql_document)
