"""MLflow's search grammar (the filter and order_by of `runs/search`, `experiments/search`,
`registered-models/search` and `model-versions/search`) parsed into domain conditions.

    filter   := condition ( AND condition )*
    condition:= identifier op value | identifier IS [NOT] NULL | identifier [NOT] IN ( value, ... )
    identifier := prefix '.' key        prefix: metrics|metric, params|param|parameters|parameter,
                                        tags|tag, attributes|attribute|attr|run, datasets|dataset
                  key: a name (dots allowed), or quoted in backquotes or double quotes
                  a bare attribute name (`status`) is an attribute
    op       := = != <> < <= > >= LIKE ILIKE
    value    := 'string' | "string" | number
    order_by := identifier [ASC|DESC]

Each route has its grammar: which key prefixes and attributes it knows and which comparisons each
takes (`RUNS`, and `registry_grammar` for experiments, models and versions, whose attributes are
domain/registry_search.py's). Nothing here builds Cypher: the result is data the query takes as parameters. A malformed filter is
BAD_INPUT (INVALID_PARAMETER_VALUE on the wire) naming the token and its position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from collections.abc import Callable

from ...domain.errors import BadInput, LimitExceeded
from ...domain.registry_search import (
    ATTRIBUTE_SYNONYMS,
    FILTER_ATTRIBUTES,
    MAX_SORT_KEYS,
    ORDER_ATTRIBUTES,
    RegistrySearch,
    SearchKind,
    TAG_OPS,
    SortKey,
    numeric as registry_numeric,
)
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
from .wire import decode_token

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



@dataclass(frozen=True)
class Grammar:
    """What one route's filter or order_by accepts."""

    prefixes: dict[str, SearchField]  # `prefix.` -> the field it names
    attributes: dict[str, str]  # an attribute as written -> its key
    numeric: Callable[[SearchField, str], bool]  # compared as a number (else as a string)
    comparisons: Callable[[SearchField, str], frozenset[SearchOp]]  # IS_NULL / IS_NOT_NULL included when allowed
    examples: str  # for "expected a key such as ..."


def _run_numeric(kind: SearchField, key: str) -> bool:
    return RunCondition(kind, key, SearchOp.EQ).numeric()


RUNS = Grammar(
    PREFIXES,
    ATTRIBUTE_ALIASES,
    _run_numeric,
    lambda kind, key: (NUMERIC_OPS if _run_numeric(kind, key) else STRING_OPS) | NULL_OPS,
    "metrics.loss, params.lr, tags.team or attributes.status",
)
REGISTRY_PREFIXES = {
    **dict.fromkeys(("attributes", "attribute", "attr"), SearchField.ATTRIBUTE),
    **dict.fromkeys(("tags", "tag"), SearchField.TAG),
}


def registry_grammar(kind: SearchKind, ordering: bool = False) -> Grammar:
    """Experiments', registered models' or model versions' filter (or, `ordering`, order_by) keys."""
    keys = ORDER_ATTRIBUTES[kind] if ordering else FILTER_ATTRIBUTES[kind]
    return Grammar(
        REGISTRY_PREFIXES,
        {key: key for key in keys},
        lambda field, key: field is SearchField.ATTRIBUTE and registry_numeric(kind, ATTRIBUTE_SYNONYMS.get(key, key)),
        lambda field, key: TAG_OPS if field is SearchField.TAG
        else FILTER_ATTRIBUTES[kind].get(ATTRIBUTE_SYNONYMS.get(key, key), frozenset()),
        ", ".join(sorted(keys)),
    )


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
    def __init__(self, text: str, where: str, grammar: Grammar) -> None:
        self.where = where
        self.grammar = grammar
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
            raise self.fail(f"a key such as {self.grammar.examples}", first)
        if first.kind == "word" and self.peek() is not None and self.peek().text == ".":
            prefix = self.grammar.prefixes.get(first.text.lower())
            if prefix is None:
                kinds = ", ".join(sorted({f.value.lower() + "s" for f in self.grammar.prefixes.values()}))
                raise BadInput(
                    f"{self.where}: {first.text!r} at position {first.position} is not a key type ({kinds})",
                    field=self.where,
                )
            self.take()
            key = self._key()
            return self._checked(prefix, key, first)
        bare = _unquote(first) if first.kind != "word" else first.text
        if bare in self.grammar.attributes:
            return self._checked(SearchField.ATTRIBUTE, bare, first)
        raise BadInput(
            f"{self.where}: {first.text!r} at position {first.position} is not a key: use {self.grammar.examples}",
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
            attributes = self.grammar.attributes
            if key not in attributes:
                known = sorted(ATTRIBUTES) if self.grammar is RUNS else sorted(attributes)
                raise BadInput(
                    f"{self.where}: {key!r} at position {token.position} is not a searchable attribute "
                    f"({', '.join(known)})",
                    field=self.where,
                )
            key = attributes[key]
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
        numeric = self.grammar.numeric(kind, key)
        allowed = self.grammar.comparisons(kind, key)
        if self.peek() is not None and self.peek().upper == "IS" and not allowed & NULL_OPS:
            raise self._refused(kind, key, self.peek(), numeric, allowed)
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
        if op not in allowed:
            raise self._refused(kind, key, token, numeric, allowed)
        if op in (SearchOp.IN, SearchOp.NOT_IN):
            return RunCondition(kind, key, op, self._list())
        value = self._value(numeric)
        if op in (SearchOp.LIKE, SearchOp.ILIKE):
            value = like_regex(value, op is SearchOp.ILIKE)
        return RunCondition(kind, key, op, value)

    def _refused(self, kind: SearchField, key: str, token: Token, numeric: bool, allowed: frozenset[SearchOp]) -> BadInput:
        what = "a number" if numeric else "a string"
        return BadInput(
            f"{self.where}: {token.text!r} at position {token.position} cannot compare {kind.value.lower()} "
            f"{key!r} ({what}); use one of " + ", ".join(o.value for o in sorted(allowed, key=lambda o: o.value)),
            field=self.where,
        )

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


def parse_filter(text: str | None, where: str = "filter", grammar: Grammar = RUNS) -> list[RunCondition]:
    """The conditions of an MLflow filter string (empty or None: no condition)."""
    if text is None or not text.strip():
        return []
    if len(text) > MAX_FILTER:
        raise LimitExceeded(f"{where}: at most {MAX_FILTER} characters", field=where)
    parser = _Parser(text, where, grammar)
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
    kind, key, descending = _sort_key(clauses[0], where, RUNS)
    return RunSortKey(kind, key, descending)


def _sort_key(clause: str, where: str, grammar: Grammar) -> tuple[SearchField, str, bool]:
    parser = _Parser(clause, where, grammar)
    kind, key, _ = parser.identifier()
    descending = parser.word("DESC")
    if not descending:
        parser.word("ASC")
    if parser.peek() is not None:
        raise parser.fail("ASC, DESC or the end of the sort key")
    return kind, key, descending


def parse_registry_order_by(kind: SearchKind, clauses: list[str] | None, where: str = "order_by") -> tuple[SortKey, ...]:
    """Up to MAX_SORT_KEYS keys (`name ASC`, `version_number DESC`), in priority order; none: the
    route's default order (domain/registry_search.py)."""
    clauses = [c for c in clauses or [] if c and c.strip()]
    if len(clauses) > MAX_SORT_KEYS:
        raise LimitExceeded(f"{where}: at most {MAX_SORT_KEYS} sort keys, got {len(clauses)}", field=where)
    grammar = registry_grammar(kind, ordering=True)
    keys = []
    for i, clause in enumerate(clauses):
        field, key, descending = _sort_key(clause, f"{where}[{i}]", grammar)
        if field is not SearchField.ATTRIBUTE:
            raise BadInput(
                f"{where}[{i}]: {clause.strip()!r} is not a sort key for {kind.value} (one of {grammar.examples})",
                field=f"{where}[{i}]",
            )
        keys.append(SortKey(key, descending))
    return tuple(keys)


def registry_query(kind: SearchKind, text: str | None, order_by: list[str] | None, max_results: int,
                   page_token: str | None, cap: int) -> RegistrySearch:
    """An experiments, registered models or model versions search request as the domain's query."""
    return RegistrySearch(
        kind,
        parse_filter(text, "filter", registry_grammar(kind)),
        parse_registry_order_by(kind, order_by),
        max(1, min(max_results, cap)),
        decode_token(page_token),
    )
