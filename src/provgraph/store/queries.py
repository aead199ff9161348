"""Named Cypher queries, loaded from the `.cypher` files under cypher/ (the yesql/aiosql style).

Each statement sits under a `// name: <query_name>` header. Python refers to statements only by name
and passes values as parameters; it never builds Cypher from strings. The one exception is a node label
that must vary by entity type: a statement may contain the token `__TYPE__`, which `render` replaces with
a label from the closed EntityType enum, never with user text.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..domain.entities import EntityType
from ..resources import resource_dir

_HEADER = re.compile(r"^//\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class QueryCatalog:
    def __init__(self, statements: dict[str, str]) -> None:
        self._statements = statements

    @classmethod
    def load(cls, directory: Path | None = None) -> "QueryCatalog":
        directory = directory or resource_dir("cypher")
        statements: dict[str, str] = {}
        for path in sorted(directory.glob("*.cypher")):
            for name, body in _split(path.read_text(encoding="utf-8")):
                if name in statements:
                    raise ValueError(f"query {name!r} is defined twice (second time in {path.name})")
                statements[name] = body
        return cls(statements)

    def names(self) -> list[str]:
        return sorted(self._statements)

    def names_in_order(self, prefix: str) -> list[str]:
        """Names starting with prefix, in the order the files define them (schema steps depend on it)."""
        return [name for name in self._statements if name.startswith(prefix)]

    def get(self, name: str) -> str:
        try:
            return self._statements[name]
        except KeyError:
            raise KeyError(f"no Cypher query named {name!r} under cypher/") from None

    def render(self, name: str, entity_type: EntityType | None = None) -> str:
        text = self.get(name)
        if "__TYPE__" in text:
            if not isinstance(entity_type, EntityType):
                raise TypeError(f"query {name!r} needs an EntityType for its label")
            text = text.replace("__TYPE__", entity_type.label)
        return text


def _split(text: str) -> list[tuple[str, str]]:
    headers = list(_HEADER.finditer(text))
    parts = []
    for i, match in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        body = text[match.end() : end].strip().rstrip(";").strip()
        parts.append((match.group(1), body))
    return parts
