"""The one exception the client raises, carrying the server's error code (docs/ARCHITECTURE.md §5)."""

from __future__ import annotations


class ProvgraphClientError(Exception):
    """A request failed. `code` is the server's `extensions.code` (BAD_INPUT, CONFLICT, FORBIDDEN,
    NOT_FOUND, UNAUTHENTICATED, LIMIT_EXCEEDED, UNAVAILABLE, ...) or UNAVAILABLE when the server could
    not be reached; `field` names the offending input when the server said which."""

    def __init__(self, code: str, message: str, field: str | None = None, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field
        self.status = status
