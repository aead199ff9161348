"""graphql/schema.graphql is the schema the code serves, and it keeps every name of the public contract."""

from __future__ import annotations

from graphql import build_schema

from provgraph.api.schema import schema_sdl
from provgraph.resources import resource_dir

SDL_FILE = resource_dir("graphql") / "schema.graphql"


def test_the_committed_sdl_matches_the_code():
    assert SDL_FILE.read_text() == schema_sdl(), "graphql/schema.graphql is stale: run `provgraph schema > graphql/schema.graphql`"


def test_the_contract_names_are_served():
    schema = build_schema(schema_sdl())
    query, mutation = schema.query_type.fields, schema.mutation_type.fields
    for field, args in {
        "entity": {"id"},
        "entityByName": {"type", "qualifiedName"},
        "search": {"text", "types", "classification", "first", "after"},
        "me": set(),
    }.items():
        assert field in query and args <= set(query[field].args), field
    for field, args in {
        "upsertEntities": {"input"},
        "recordProcess": {"input"},
        "linkLineage": {"sourceId", "targetId"},
        "unlinkLineage": {"sourceId", "targetId"},
        "deleteEntity": {"id"},
        "createPrincipal": {"name", "roles"},
    }.items():
        assert field in mutation and args <= set(mutation[field].args), field
    entity = schema.type_map["Entity"].fields
    assert {"id", "type", "qualifiedName", "name", "description", "properties", "owners", "classifications",
            "createdAt", "updatedAt", "deleted"} <= set(entity)
    assert set(schema.type_map["EntityType"].values) == {
        "DATASET", "DATASET_VERSION", "FEATURE", "EXPERIMENT", "RUN", "MODEL", "MODEL_VERSION",
        "PIPELINE", "PIPELINE_RUN", "DEPLOYMENT", "ARTIFACT"}
    assert {"id", "type", "qualifiedName"} == set(schema.type_map["EntityRef"].fields)


def test_the_query_limits_are_on(admin):
    deep = "{ me " + "{ name }" + " }"
    assert admin.data(deep)["me"]["name"] == "admin"
    aliases = "{ " + " ".join(f"a{i}: me {{ name }}" for i in range(40)) + " }"
    error = admin.execute(aliases)["errors"][0]
    assert error["extensions"]["code"] == "BAD_INPUT" and "aliases" in error["message"].lower()
    tokens = "{ me { " + " ".join(["name"] * 6000) + " } }"
    error = admin.execute(tokens)["errors"][0]
    assert error["extensions"]["code"] == "BAD_INPUT" and "token" in error["message"].lower()
