"""Input objects built from a plan made once per type, through strawberry's `from_input` hook.

Strawberry converts an input object by walking its fields and, for every field of every item, resolving
the field's type and converting its name again: ~60 µs an item here. An `upsertEntities` of 10,000
entities spent 0.66 s doing that in one go, holding the event loop (issue 13: no request may block it
for more than ~100 ms). graphql-core has already checked and coerced the value by then, so what is left
is to map GraphQL names to Python names and build the class; `build_input` does that from a plan per
class. Fields that hold other input objects still go through strawberry (`InputContext.convert`),
which comes back here for their own class. tests/test_input_conversion.py holds every input type of the
schema to strawberry's own conversion.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import strawberry
from strawberry.scalars import is_scalar
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition

Convert = Callable[[Any, InputContext, str], Any] | None  # None: the value is used as it is


@dataclasses.dataclass(frozen=True)
class _Plan:
    defaults: dict[str, None]  # fields without a default are None unless sent (as strawberry does)
    fields: tuple[tuple[str, str, Convert], ...]  # (GraphQL name, Python name, how to convert)


_PLANS: dict[type, _Plan] = {}


def _is_leaf(type_: Any, context: InputContext) -> bool:
    """A scalar or an enum (strawberry's own test): graphql-core's coerced value is the Python value."""
    return isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_) or is_scalar(type_, context.scalar_registry)


def _planned(type_: Any) -> bool:
    """An input class that builds through `build_input` (every one, once the schema is built)."""
    definition = getattr(type_, "__strawberry_definition__", None)
    return definition is not None and definition.is_input and definition.from_input is build_input


def _converter(type_: Any, context: InputContext) -> Convert:
    inner = type_.of_type if isinstance(type_, StrawberryOptional) else type_
    if _is_leaf(inner, context):
        return None
    if _planned(inner):
        return lambda value, ctx, _name: build_input(inner, value, ctx)
    if isinstance(inner, StrawberryList):
        item = inner.of_type.of_type if isinstance(inner.of_type, StrawberryOptional) else inner.of_type
        if _is_leaf(item, context):
            return lambda value, _context, _name: list(value)  # a copy: graphql-core shares defaults
        if _planned(item):
            return lambda values, ctx, _name: [None if value is None else build_input(item, value, ctx) for value in values]
    return lambda value, ctx, name: ctx.convert(value, type_, name)


def _plan(cls: type, context: InputContext) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        converter = context.config.name_converter
        plan = _Plan(
            defaults={
                field.python_name: None
                for field in definition.fields
                if field.default_value is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
            },
            fields=tuple(
                (
                    converter.from_field(field),
                    field.python_name,
                    _converter(field.resolve_type(type_definition=definition), context),
                )
                for field in definition.fields
            ),
        )
        _PLANS[cls] = plan
    return plan


# Input objects already built off the event loop for this request (variable_coercion.py): by the id of
# the coerced value they were built from, with that value, so a reused id cannot match another value.
_PREBUILT: ContextVar[dict[int, tuple[Any, Any]] | None] = ContextVar("prebuilt_inputs", default=None)


@contextmanager
def prebuilt(built: dict[int, tuple[Any, Any]]) -> Iterator[None]:
    """Makes `build_input` hand out these objects instead of building them again."""
    token = _PREBUILT.set(built)
    try:
        yield
    finally:
        _PREBUILT.reset(token)


def build_input(cls: type, value: Mapping[str, Any], context: InputContext) -> Any:
    built = _PREBUILT.get()
    if built is not None:
        hit = built.get(id(value))
        if hit is not None and hit[0] is value and type(hit[1]) is cls:
            return hit[1]
    plan = _plan(cls, context)
    kwargs: dict[str, Any] = dict(plan.defaults)
    for graphql_name, python_name, convert in plan.fields:
        if graphql_name in value:
            item = value[graphql_name]
            kwargs[python_name] = item if convert is None or item is None else convert(item, context, graphql_name)
    return cls(**kwargs)


def input_classes(schema: strawberry.Schema) -> list[type]:
    """Every strawberry input class the schema uses."""
    classes = []
    for graphql_type in schema.schema_converter.type_map.values():
        definition = getattr(graphql_type, "definition", None)
        if getattr(definition, "is_input", False) and has_object_definition(definition.origin):
            classes.append(definition.origin)
    return classes


def build_inputs_from_plans(schema: strawberry.Schema) -> None:
    """Makes every input object of the schema build through `build_input`."""
    for cls in input_classes(schema):
        cls.__strawberry_definition__.from_input = build_input  # type: ignore[attr-defined]
