"""Domain errors. Each carries the stable `code` clients switch on (docs/ARCHITECTURE.md §5).

graphql-core copies an original error's `extensions` onto the GraphQL error it wraps, so raising one of
these anywhere below a resolver is enough to reach the client with its code; HTTP routes map `status`.
"""

from __future__ import annotations

from typing import Any


class ProvgraphError(Exception):
    code = "INTERNAL"
    status = 500

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, **self.details}


class Unauthenticated(ProvgraphError):
    code, status = "UNAUTHENTICATED", 401


class Forbidden(ProvgraphError):
    code, status = "FORBIDDEN", 403


class NotFound(ProvgraphError):
    code, status = "NOT_FOUND", 404


class BadInput(ProvgraphError):
    code, status = "BAD_INPUT", 400


class Conflict(ProvgraphError):
    code, status = "CONFLICT", 409


class PropagatedClassification(ProvgraphError):
    code, status = "PROPAGATED_CLASSIFICATION", 409


class LimitExceeded(ProvgraphError):
    code, status = "LIMIT_EXCEEDED", 413


class TooManyFailures(LimitExceeded):
    """Too many failed authentications from one client: refused before any lookup (HTTP Retry-After)."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retryAfterSeconds=retry_after)
        self.retry_after = retry_after


class Unavailable(ProvgraphError):
    code, status = "UNAVAILABLE", 503


class AlreadyExists(Conflict):
    """CONFLICT because the thing to create exists already (MLflow's RESOURCE_ALREADY_EXISTS)."""
