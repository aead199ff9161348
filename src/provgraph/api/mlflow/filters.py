"""MLflow's search grammar (`runs/search` filter and order_by) parsed into domain conditions.

    filter   := condition ( AND condition )*
    condition:= identifier op value | identifier IS [NOT] NULL | identifier [NOT] IN ( value, ... )
    identifier := prefix '.' key        prefix: metrics|metric, params|param|parameters|parameter,
                                        tags|tag, attributes|attribute|attr|run, datasets|dataset
                  key: a name (dots allowed), or quoted in backquotes or double quotes
                  a bare attribute name (`status`) is an attribute
    op       := = != <> < <= > >= LIKE ILIKE
    value    := 'string' | "string" | number
    order_by := identifier [ASC|DESC]

Nothing here builds Cypher: the result is data the query takes as parameters. A malformed filter is
BAD_INPUT (INVALID_PARAMETER_VALUE on the wire) naming the token and its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...domain.errors import BadInput, LimitExceeded
from ...domain.run_search import (
    ATTRIBUTES,
    DATASET_KEYS,
    MAX_CONDITIONS,
    NULL_OPS,
    NUMERIC_OPS,
    STRING_OPS,
    RunCondition,
    RunSortKey,
    SearchField,
    SearchOp,
    like_regex,
)

MAX_FILTER = 16 * 1024
PREFIXES = {
    **dict.fromkeys(("metrics", "metric"), SearchField.METRIC),
    **dict.fromkeys(("params", "param", "parameters", "parameter"), SearchField.PARAM),
    **dict.fromkeys(("tags", "tag"), SearchField.TAG),
    **dict.fromkeys(("attributes", "attribute", "attr", "run"), SearchField.ATTRIBUTE),
    **dict.fromkeys(("datasets", "dataset"), SearchField.DATASET),
}
ATTRIBUTE_ALIASES = {"run_name": "run_name", "status": "status", "run_id": "run_id", "start_time": "start_time",
                     "end_time": "end_time", "created": "start_time", "Created": "start_time"}
COMPARISONS = {"=": SearchOp.EQ, "==": SearchOp.EQ, "!=": SearchOp.NE, "<>": SearchOp.NE, "<": SearchOp.LT,
               "<=": SearchOp.LTE, ">": SearchOp.GT, ">=": SearchOp.GTE}

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*")
    | (?P<backquoted>`[^`]*`)
    | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<op><=|>=|!=|<>|==|=|<|>)
    | (?P<punct>[(),.])
    | (?P<word>[A-Za-z_][A-Za-z0-9_\-/:@]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _tokens(text: str, where: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            start = position + len(text[position:]) - len(text[position:].lstrip())
            raise BadInput(f"{where}: unexpected {text[start:start + 10]!r} at position {start}", field=where)
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind), match.start(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, where: str) -> None:
        self.where = where
        self.tokens = _tokens(text, where)
        self.i = 0

    def fail(self, what: str, token: Token | None = None) -> BadInput:
        token = token or self.peek()
        found = f"{token.text!r} at position {token.position}" if token else "the end of the filter"
        return BadInput(f"{self.where}: expected {what}, found {found}", field=self.where)

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token | None:
        token = self.peek()
        self.i += token is not None
        return token

    def word(self, *expected: str) -> bool:
        token = self.peek()
        if token is not None and token.upper in expected:
            self.i += 1
            return True
        return False

    def identifier(self) -> tuple[SearchField, str, Token]:
        first = self.take()
        if first is None or first.kind not in ("word", "backquoted", "string"):
            raise self.fail("a key such as metrics.loss, params.lr, tags.team or attributes.status", first)
        if first.kind == "word" and self.peek() is not None and self.peek().text == ".":
            prefix = PREFIXES.get(first.text.lower())
            if prefix is None:
                raise BadInput(
                    f"{self.where}: {first.text!r} at position {first.position} is not a key type "
                    "(metrics, params, tags, attributes or datasets)",
                    field=self.where,
                )
            self.take()
            key = self._key()
            return self._checked(prefix, key, first)
        bare = _unquote(first) if first.kind != "word" else first.text
        if bare in ATTRIBUTE_ALIASES:
            return self._checked(SearchField.ATTRIBUTE, bare, first)
        raise BadInput(
            f"{self.where}: {first.text!r} at position {first.position} is not a key: prefix it with "
            "metrics., params., tags., attributes. or datasets.",
            field=self.where,
        )

    def _key(self) -> str:
        token = self.take()
        if token is None:
            raise self.fail("a key name")
        if token.kind in ("backquoted", "string"):
            return _unquote(token)
        if token.kind not in ("word", "number"):
            raise self.fail("a key name", token)
        parts = [token.text]
        while self.peek() is not None and self.peek().text == "." and self.i + 1 < len(self.tokens):
            following = self.tokens[self.i + 1]
            if following.kind not in ("word", "number") or following.position != self.peek().position + 1:
                break
            self.take()
            parts.append(self.take().text)
        return ".".join(parts)

    def _checked(self, kind: SearchField, key: str, token: Token) -> tuple[SearchField, str, Token]:
        if kind is SearchField.ATTRIBUTE:
            if key not in ATTRIBUTE_ALIASES:
                raise BadInput(
                    f"{self.where}: {key!r} at position {token.position} is not a searchable attribute "
                    f"({', '.join(sorted(ATTRIBUTES))})",
                    field=self.where,
                )
            key = ATTRIBUTE_ALIASES[key]
        if kind is SearchField.DATASET and key not in DATASET_KEYS:
            raise BadInput(
                f"{self.where}: datasets.{key} at position {token.position} is not searchable "
                "(datasets.name, datasets.digest, datasets.context)",
                field=self.where,
            )
        if not key:
            raise BadInput(f"{self.where}: empty key at position {token.position}", field=self.where)
        return kind, key, token

    def condition(self) -> RunCondition:
        kind, key, start = self.identifier()
        probe = RunCondition(kind, key, SearchOp.EQ)
        if self.word("IS"):
            negated = self.word("NOT")
            if not self.word("NULL"):
                raise self.fail("NULL after IS")
            return RunCondition(kind, key, SearchOp.IS_NOT_NULL if negated else SearchOp.IS_NULL)
        token = self.take()
        if token is None:
            raise self.fail("a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS NULL)")
        if token.upper == "NOT":
            if not self.word("IN"):
                raise self.fail("IN after NOT")
            op = SearchOp.NOT_IN
        elif token.kind == "op":
            op = COMPARISONS[token.text]
        elif token.upper in ("LIKE", "ILIKE", "IN"):
            op = SearchOp[token.upper]
        else:
            raise self.fail("a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS NULL)", token)
        allowed = NUMERIC_OPS if probe.numeric() else STRING_OPS
        if op not in allowed:
            what = "a number" if probe.numeric() else "a string"
            raise BadInput(
                f"{self.where}: {token.text!r} at position {token.position} cannot compare {kind.value.lower()} "
                f"{key!r} ({what}); use one of "
                + ", ".join(o.value for o in sorted(allowed | NULL_OPS, key=lambda o: o.value)),
                field=self.where,
            )
        if op in (SearchOp.IN, SearchOp.NOT_IN):
            return RunCondition(kind, key, op, self._list())
        value = self._value(probe.numeric())
        if op in (SearchOp.LIKE, SearchOp.ILIKE):
            value = like_regex(value, op is SearchOp.ILIKE)
        return RunCondition(kind, key, op, value)

    def _value(self, numeric: bool) -> float | str:
        token = self.take()
        if numeric:
            if token is None or token.kind != "number":
                raise self.fail("a number", token)
            return float(token.text)
        if token is None or token.kind != "string":
            raise self.fail("a quoted string", token)
        return _unquote(token)

    def _list(self) -> list[str]:
        opening = self.take()
        if opening is None or opening.text != "(":
            raise self.fail("'(' to open the IN list", opening)
        values = [self._value(False)]
        while self.peek() is not None and self.peek().text == ",":
            self.take()
            values.append(self._value(False))
        closing = self.take()
        if closing is None or closing.text != ")":
            raise self.fail("',' or ')' in the IN list", closing)
        return values


def _unquote(token: Token) -> str:
    body = token.text[1:-1]
    if token.text[0] == "'":
        body = body.replace("''", "'")
    return re.sub(r"\\(.)", r"\1", body) if token.kind == "string" else body


def parse_filter(text: str | None, where: str = "filter") -> list[RunCondition]:
    """The conditions of an MLflow filter string (empty or None: no condition)."""
    if text is None or not text.strip():
        return []
    if len(text) > MAX_FILTER:
        raise LimitExceeded(f"{where}: at most {MAX_FILTER} characters", field=where)
    parser = _Parser(text, where)
    conditions = [parser.condition()]
    while parser.peek() is not None:
        if not parser.word("AND"):
            token = parser.peek()
            if token.upper == "OR":
                raise BadInput(f"{where}: 'OR' at position {token.position} is not supported; MLflow filters join conditions with AND", field=where)
            raise parser.fail("AND between conditions")
        conditions.append(parser.condition())
    if len(conditions) > MAX_CONDITIONS:
        raise LimitExceeded(f"{where}: at most {MAX_CONDITIONS} conditions, got {len(conditions)}", field=where)
    return conditions


def parse_order_by(clauses: list[str] | None, where: str = "order_by") -> RunSortKey | None:
    """One sort key (`metrics.auc DESC`); runs tie on it by newest start, then id."""
    clauses = [c for c in clauses or [] if c and c.strip()]
    if not clauses:
        return None
    if len(clauses) > 1:
        raise BadInput(f"{where}: one sort key is supported, got {len(clauses)} ({', '.join(map(repr, clauses))})", field=where)
    parser = _Parser(clauses[0], where)
    kind, key, _ = parser.identifier()
    descending = False
    if parser.word("DESC"):
        descending = True
    else:
        parser.word("ASC")
    if parser.peek() is not None:
        raise parser.fail("ASC, DESC or the end of the sort key")
    return RunSortKey(kind, key, descending)
