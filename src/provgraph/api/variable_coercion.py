"""The variables of a large GraphQL request coerced in a worker thread, not on the event loop.

graphql-core coerces variables (walks every value against its input type, calls every scalar's
parser) synchronously when execution starts, at about 0.4 ms a KiB of JSON for a list of enums (a
6.6 MB list of 600,000: 3.1 s of CPU), during which the process answers nothing else, `/healthz`
included. So a request whose body is over `OFF_LOOP_BYTES` (128 KiB: ~50 ms of coercion at most on the
loop; marked by the view as `LargeVariables`) has its variables coerced by
`CoerceLargeVariablesOffLoop` in a worker thread first; coercion is Python bytecode, so the thread hands
the GIL back every few milliseconds and the loop keeps answering. The executor then takes the values
coerced there instead of coercing again (`ExecutorTakingCoercedVariables`), and strawberry's input
objects for those variables are built in the same thread (`input_conversion.prebuilt`). Small requests
are coerced on the loop as always: the hop to a thread would cost them more than it saves.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import contextlib

import anyio.to_thread
import strawberry
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    OperationDefinitionNode,
    get_operation_ast,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.utilities import type_from_ast
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.arguments import convert_argument

from .input_conversion import prebuilt

OFF_LOOP_BYTES = 128 * 1024
MAX_COERCION_ERRORS = 50  # graphql-core's default


class LargeVariables(dict):
    """The variables of a request whose body was large: coerce them off the loop."""


class CoercedVariables(dict):
    """The raw variables (still readable as a dict), with their coerced values or coercion errors."""

    def __init__(self, raw: dict[str, Any], operation: OperationDefinitionNode, coerced: VariableValues | list[GraphQLError]) -> None:
        super().__init__(raw)
        self.operation = operation
        self.coerced = coerced


def _coerce(schema: strawberry.Schema, operation: OperationDefinitionNode, raw: dict[str, Any]) -> VariableValues | list[GraphQLError]:
    return get_variable_values(schema._schema, operation.variable_definitions or (), raw, max_errors=MAX_COERCION_ERRORS)


def _prebuild(schema: strawberry.Schema, operation: OperationDefinitionNode, coerced: VariableValues) -> dict[int, tuple[Any, Any]]:
    """The strawberry input objects of every variable that is an input object or a list of them, built
    here (strawberry builds each item on the loop otherwise: ~10 µs an item, 0.1 s for 10,000),
    keyed for `input_conversion.build_input` by the coerced value each was built from."""
    built: dict[int, tuple[Any, Any]] = {}
    converter = schema.schema_converter
    for definition in operation.variable_definitions or ():
        value = coerced.coerced.get(definition.variable.name.value)
        graphql_type = type_from_ast(schema._schema, definition.type)
        while isinstance(graphql_type, GraphQLNonNull):
            graphql_type = graphql_type.of_type
        items = value
        if isinstance(graphql_type, GraphQLList):
            graphql_type = graphql_type.of_type.of_type if isinstance(graphql_type.of_type, GraphQLNonNull) else graphql_type.of_type
        elif value is not None:
            items = [value]
        if not isinstance(graphql_type, GraphQLInputObjectType) or not isinstance(items, list):
            continue
        cls = converter.type_map[graphql_type.name].definition.origin
        try:
            for item in items:
                if isinstance(item, dict):
                    built[id(item)] = (item, convert_argument(item, cls, converter.scalar_registry, schema.config))
        except Exception:  # noqa: BLE001 (a head start, not a check: the loop builds it and answers the error)
            continue
    return built


def _coerce_and_prebuild(schema: strawberry.Schema, operation: OperationDefinitionNode, raw: dict[str, Any]) -> tuple[VariableValues | list[GraphQLError], dict[int, tuple[Any, Any]]]:
    coerced = _coerce(schema, operation, raw)
    return coerced, ({} if isinstance(coerced, list) else _prebuild(schema, operation, coerced))


class CoerceLargeVariablesOffLoop(SchemaExtension):
    async def on_execute(self):  # type: ignore[no-untyped-def]  # an async generator hook
        context = self.execution_context
        document = context.graphql_document
        built: dict[int, tuple[Any, Any]] = {}
        if isinstance(context.variables, LargeVariables) and document is not None:
            operation = get_operation_ast(document, context.operation_name)
            if operation is not None and operation.variable_definitions:
                coerced, built = await anyio.to_thread.run_sync(_coerce_and_prebuild, context.schema, operation, dict(context.variables))
                context.variables = CoercedVariables(context.variables, operation, coerced)
        with prebuilt(built) if built else contextlib.nullcontext():
            yield


def _without_variable_definitions(document: DocumentNode, operation: OperationDefinitionNode) -> DocumentNode:
    """The document with `operation` declaring no variables, so building an executor coerces nothing."""
    bare = dataclasses.replace(operation, variable_definitions=())
    definitions = tuple(bare if definition is operation else definition for definition in document.definitions)
    return DocumentNode(definitions=definitions, loc=document.loc)


class ExecutorTakingCoercedVariables(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, which takes variables coerced off the loop as they are."""

    @classmethod
    def build(cls, schema, document, root_value=None, context_value=None, raw_variable_values=None, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        if not isinstance(raw_variable_values, CoercedVariables):
            return super().build(schema, document, root_value, context_value, raw_variable_values, *args, **kwargs)
        prepared = raw_variable_values
        if isinstance(prepared.coerced, list):
            return prepared.coerced  # the coercion errors, answered as graphql-core would
        bare = _without_variable_definitions(document, prepared.operation)
        executor = super().build(schema, bare, root_value, context_value, {}, *args, **kwargs)
        if isinstance(executor, list):
            return executor
        executor.operation = prepared.operation
        executor.variable_values = prepared.coerced
        return executor
