"""Named Cypher queries, loaded from the `.cypher` files under cypher/ (the yesql/aiosql style).

Each statement sits under a `// name: <query_name>` header. Python refers to statements only by name
and passes values as parameters; it never builds Cypher from user input. What Cypher cannot take as a
parameter is written once in the files and filled in from closed sets defined here, never from user text:

- `__TYPE__`: a node label that must vary by entity type; `render` replaces it with the label of an
  EntityType at call time.
- Fragments: `// fragment: <name>(<var>)` defines a predicate once (say, "this edge existed at $asOf",
  or "the read scope may see this entity"); a statement writes `@<name>(<variable>)` where it needs it,
  and the loader puts the predicate there with `<var>` renamed to `<variable>` wherever it stands as a
  name (`<var>.property`, `labels(<var>)`). Variables a fragment introduces itself (list predicates)
  get names no statement uses, so a use site's variable cannot capture them.
- Variants: the lines between `// each: <set>` and `// end each` are written once per row of the closed
  set `<set>` (VARIANTS below), its tokens (`__BOUND__`, ...) replaced by the row's values, the copies
  joined by UNION ALL. So the lineage traversal's ten searches (five length bounds times two directions)
  are one text.

Fragments and variants are expanded when the catalog loads, so `get` returns plain Cypher and a name that
is unknown, or a token left over, fails at load time, not on a request.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..domain.entities import EntityType
from ..domain.lineage import SEARCH_BOUNDS, LineageDirection
from ..resources import resource_dir

_HEADER = re.compile(r"^//\s*(name|fragment):\s*([a-z_][a-z0-9_]*)(?:\((\w+)\))?\s*$", re.MULTILINE)
_FRAGMENT_USE = re.compile(r"@([a-z_][a-z0-9_]*)\((\w+)\)")
_EACH = re.compile(r"^[ \t]*//\s*each:\s*([a-z_][a-z0-9_]*)\s*\n(.*?)^[ \t]*//\s*end each\s*$\n?", re.MULTILINE | re.DOTALL)
_TOKEN = re.compile(r"__[A-Z_]+__")


def _lineage_searches() -> list[dict[str, str]]:
    """One breadth-first search per direction and length bound (cypher/traversal.cypher): a search runs
    when the depth it must cover, above the previous bound, is within its own."""
    rows = []
    for direction in (LineageDirection.DOWNSTREAM, LineageDirection.UPSTREAM):
        above = 0
        for bound in SEARCH_BOUNDS:
            rows.append(
                {
                    "__DIRECTION__": direction.value,
                    "__ABOVE__": str(above),
                    "__BOUND__": str(bound),
                    # (start)<-[...]-(x) follows edges into start (upstream), (start)-[...]->(x) out of it.
                    "__UP__": "<" if direction is LineageDirection.UPSTREAM else "",
                    "__DOWN__": ">" if direction is LineageDirection.DOWNSTREAM else "",
                }
            )
            above = bound
    return rows


# The closed sets `// each:` blocks are written over: every value is a constant of the code.
VARIANTS: dict[str, list[dict[str, str]]] = {"lineage_search": _lineage_searches()}


class QueryCatalog:
    def __init__(self, statements: dict[str, str]) -> None:
        self._statements = statements

    @classmethod
    def load(cls, directory: Path | None = None) -> "QueryCatalog":
        directory = directory or resource_dir("cypher")
        statements: dict[str, str] = {}
        fragments: dict[str, tuple[str, str]] = {}  # name -> (variable, predicate)
        for path in sorted(directory.glob("*.cypher")):
            for kind, name, variable, body in _split(path.read_text(encoding="utf-8")):
                defined = statements if kind == "name" else fragments
                if name in defined:
                    raise ValueError(f"{kind} {name!r} is defined twice (second time in {path.name})")
                if kind == "name":
                    statements[name] = body
                else:
                    if not variable:
                        raise ValueError(f"fragment {name!r} in {path.name} needs a variable: {name}(n)")
                    fragments[name] = (variable, _predicate(body))
        return cls({name: _expand(name, body, fragments) for name, body in statements.items()})

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


def _split(text: str) -> list[tuple[str, str, str | None, str]]:
    """(kind, name, fragment variable, body) for every `// name:` and `// fragment:` section."""
    headers = list(_HEADER.finditer(text))
    parts = []
    for i, match in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        body = text[match.end() : end].strip().rstrip(";").strip()
        parts.append((match.group(1), match.group(2), match.group(3), body))
    return parts


def _predicate(body: str) -> str:
    """A fragment's text without its comment lines, as one line."""
    return " ".join(line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("//"))


def _expand(name: str, body: str, fragments: dict[str, tuple[str, str]]) -> str:
    def variants(match: re.Match[str]) -> str:
        rows = VARIANTS.get(match.group(1))
        if rows is None:
            raise ValueError(f"query {name!r}: no variant set named {match.group(1)!r}")
        copies = []
        for row in rows:
            copy = match.group(2)
            for token, value in row.items():
                copy = copy.replace(token, value)
            copies.append(copy)
        return "UNION ALL\n".join(copies)

    def fragment(match: re.Match[str]) -> str:
        if match.group(1) not in fragments:
            raise ValueError(f"query {name!r}: no fragment named {match.group(1)!r}")
        variable, predicate = fragments[match.group(1)]
        # The variable wherever it stands as a name (`e.id`, `labels(e)`), never a parameter (`$e`)
        # or a property (`x.e`) of the same spelling.
        return re.sub(rf"(?<![\w$.]){variable}(?!\w)", match.group(2), predicate)

    text = _FRAGMENT_USE.sub(fragment, _EACH.sub(variants, body))
    left = set(_TOKEN.findall(text)) - {"__TYPE__"}
    if left or "// each:" in text or "// end each" in text:
        raise ValueError(f"query {name!r}: unexpanded {sorted(left) or 'each block'}")
    return text
