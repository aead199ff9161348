"""Error shaping for GraphQL: domain errors keep their code, schema/validation errors become BAD_INPUT,
anything unexpected is masked (logged in full on the server, never shown to the client)."""

from __future__ import annotations

import logging
import re

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from ..domain.errors import ProvgraphError

log = logging.getLogger("provgraph.api")
# graphql-core appends "Did you mean 'x'?" to validation and coercion messages; field suggestions are
# off so a client learns the schema from introspection it is allowed, not by guessing names.
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)


class ShapeErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(error_message="Internal error; it has been logged.")

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        shaped = []
        for error in errors:
            original = error.original_error
            if isinstance(original, ProvgraphError):
                error.extensions = original.extensions
            elif original is None or isinstance(original, GraphQLError):
                # Parse, validation and variable-coercion errors: the request itself is wrong.
                error.extensions = {"code": "BAD_INPUT", **(error.extensions or {})}
                error.message = without_suggestions(error.message)
            else:
                log.error("unexpected error in %s", error.path, exc_info=original)
                error = self.anonymise_error(error)
                error.extensions = {"code": "INTERNAL"}
            shaped.append(error)
        return shaped
