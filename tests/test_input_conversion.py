"""Every input type of the schema, built from its plan (api/input_conversion.py), equals what strawberry's
own conversion builds from the same coerced value: with every field sent, with none of the optional
ones, and with explicit nulls; nested inputs and lists included."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    coerce_input_value,
)
from graphql.pyutils import Undefined
from strawberry.types.arguments import convert_argument

from provgraph.api.input_conversion import build_input, input_classes
from provgraph.api.schema import schema

SCALAR_SAMPLES: dict[str, Any] = {
    "String": "s", "Int": 3, "Float": 1.5, "Boolean": True, "ID": "7f1d6c1e-2b9a-4c39-9d43-0c1b8f0e5a11",
    "JSON": {"a": [1, "x", None], "b": {"c": 2.5}}, "DateTime": "2026-01-02T03:04:05.678901Z", "MetricValue": 0.25,
    "Long": 12345678901,
}


def raw_value(graphql_type: Any, mode: str, depth: int = 0) -> Any:
    """A raw input value: mode "full" sends every field, "required" only the non-null ones, "nulls"
    sends null for every nullable one."""
    if isinstance(graphql_type, GraphQLNonNull):
        return raw_value(graphql_type.of_type, "full" if mode == "nulls" and depth == 0 else mode, depth)
    if isinstance(graphql_type, GraphQLList):
        return [raw_value(graphql_type.of_type, mode, depth + 1) for _ in range(2)]
    if isinstance(graphql_type, GraphQLEnumType):
        return next(iter(graphql_type.values))
    if isinstance(graphql_type, GraphQLScalarType):
        return SCALAR_SAMPLES[graphql_type.name]
    assert isinstance(graphql_type, GraphQLInputObjectType)
    value = {}
    for name, field in graphql_type.fields.items():
        required = isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        if mode == "full" or required:
            value[name] = raw_value(field.type, mode, depth + 1) if depth < 3 else None
        elif mode == "nulls" and not isinstance(field.type, GraphQLNonNull):
            value[name] = None
    return value


def both_ways(cls: type, coerced: Any) -> tuple[Any, Any]:
    """The value built from the plans, and the one strawberry builds with no input type hooked (nested
    ones included)."""
    registry, config = schema.schema_converter.scalar_registry, schema.config
    ours = convert_argument(coerced, cls, registry, config)
    definitions = [c.__strawberry_definition__ for c in input_classes(schema)]
    for definition in definitions:
        definition.from_input = None
    try:
        theirs = convert_argument(coerced, cls, registry, config)
    finally:
        for definition in definitions:
            definition.from_input = build_input
    return ours, theirs


CLASSES = input_classes(schema)


def test_every_input_type_of_the_schema_is_built_from_a_plan() -> None:
    names = {cls.__strawberry_definition__.name for cls in CLASSES}
    assert len(CLASSES) == 13 and {"EntityInput", "ProcessInput", "MetricBatchInput", "StartRunInput", "EntityRef"} <= names
    assert all(cls.__strawberry_definition__.from_input is build_input for cls in CLASSES)


@pytest.mark.parametrize("mode", ["full", "required", "nulls"])
@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__strawberry_definition__.name)
def test_the_plan_builds_what_strawberry_builds(cls: type, mode: str) -> None:
    graphql_type = schema._schema.get_type(cls.__strawberry_definition__.name)
    coerced = coerce_input_value(raw_value(graphql_type, mode), graphql_type)
    ours, theirs = both_ways(cls, coerced)
    assert type(ours) is cls and ours == theirs
    assert vars(ours) == vars(theirs)  # field by field, nested inputs compared by value too


def test_a_large_requests_inputs_are_built_off_the_loop_and_handed_out_as_built() -> None:
    from graphql import parse

    from provgraph.api.input_conversion import prebuilt
    from provgraph.api.variable_coercion import _coerce_and_prebuild

    document = parse("mutation($in: [EntityInput!]!, $one: StartRunInput!) { upsertEntities(input: $in) { id } startRun(input: $one) { id } }")
    operation = document.definitions[0]
    raw = {"in": [{"type": "DATASET", "qualifiedName": f"db://t/{i}", "container": {"type": "DATASET", "qualifiedName": "db://c"}}
                  for i in range(50)],
           "one": {"experiment": "e", "code": {"commit": "abc"}}}
    coerced, built = _coerce_and_prebuild(schema, operation, raw)
    items = coerced.coerced["in"]
    assert len(built) == 51 and all(built[id(item)][0] is item for item in items)
    entity_input = type(built[id(items[0])][1])
    registry, config = schema.schema_converter.scalar_registry, schema.config
    with prebuilt(built):  # what the loop gets: the very objects built in the thread
        handed = [convert_argument(item, entity_input, registry, config) for item in items]
    assert all(obj is built[id(item)][1] for obj, item in zip(handed, items, strict=True))
    for item, obj in zip(items, handed, strict=True):  # and they are what building on the loop gives
        assert obj == convert_argument(item, entity_input, registry, config)
    other = dict(items[0])  # an equal value that is another object is built, not handed out
    with prebuilt(built):
        assert convert_argument(other, entity_input, registry, config) is not built[id(items[0])][1]
