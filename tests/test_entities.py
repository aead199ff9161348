"""Entities: upsert keyed on (type, qualifiedName), lookups, containment, soft delete."""

from __future__ import annotations

from .documents import BY_NAME, DELETE, ENTITY, UPSERT
from .graph import by_name, count_entities, dataset, upsert


def test_upsert_creates_an_entity_with_defaults(admin):
    [created] = upsert(admin, dataset("s3://lake/raw/events"))
    assert created["type"] == "DATASET"
    assert created["name"] == "events"  # the last segment of the qualified name
    assert created["properties"] == {} and created["owners"] == [] and created["deleted"] is False
    assert created["createdAt"] == created["updatedAt"]


def test_replaying_an_upsert_changes_nothing(admin):
    item = dataset("s3://lake/raw/events", description="raw", properties={"b": 2, "a": 1}, owners=["bob", "amy"])
    [first] = upsert(admin, item)
    [again] = upsert(admin, item)
    assert again == first  # same id, same updatedAt


def test_an_upsert_updates_given_fields_and_keeps_the_others(admin):
    [first] = upsert(admin, dataset("s3://lake/raw/events", description="raw", owners=["bob"]))
    [second] = upsert(admin, dataset("s3://lake/raw/events", properties={"rows": 10}))
    assert second["id"] == first["id"]
    assert second["description"] == "raw" and second["owners"] == ["bob"]
    assert second["properties"] == {"rows": 10}
    assert second["updatedAt"] > first["updatedAt"]


def test_identical_repeats_in_one_batch_collapse_to_one_entity(admin, neo4j_driver):
    stored = upsert(admin, dataset("db://a"), dataset("db://a"))
    assert stored[0]["id"] == stored[1]["id"]
    assert count_entities(neo4j_driver) == 1


def test_entity_and_entity_by_name_find_live_entities(admin):
    [created] = upsert(admin, dataset("db://sales"))
    assert admin.data(ENTITY, {"id": created["id"]})["entity"]["qualifiedName"] == "db://sales"
    found = admin.data(BY_NAME, {"t": "DATASET", "q": "db://sales"})["entityByName"]
    assert found["id"] == created["id"]
    assert admin.data(BY_NAME, {"t": "MODEL", "q": "db://sales"})["entityByName"] is None


def test_a_soft_deleted_entity_vanishes_from_lookups_but_stays_stored(admin, neo4j_driver):
    [created] = upsert(admin, dataset("db://sales"))
    assert admin.data(DELETE, {"id": created["id"]})["deleteEntity"] is True
    assert admin.data(ENTITY, {"id": created["id"]})["entity"] is None
    assert admin.data(BY_NAME, {"t": "DATASET", "q": "db://sales"})["entityByName"] is None
    with neo4j_driver.session() as session:
        row = session.run("MATCH (e:Entity {id: $id}) RETURN e.deletedAt IS NOT NULL AS deleted", id=created["id"]).single()
    assert row["deleted"] is True
    assert admin.error(DELETE, {"id": created["id"]})["extensions"]["code"] == "NOT_FOUND"  # gone for the API


def test_upserting_a_deleted_entity_brings_it_back(admin):
    [created] = upsert(admin, dataset("db://sales"))
    admin.data(DELETE, {"id": created["id"]})
    [back] = upsert(admin, dataset("db://sales"))
    assert back["id"] == created["id"] and back["deleted"] is False


def test_a_container_reference_creates_the_containment_edge(admin, neo4j_driver):
    upsert(
        admin,
        {"type": "DATASET_VERSION", "qualifiedName": "db://sales@v1", "container": by_name("DATASET", "db://sales")},
        {"type": "FEATURE", "qualifiedName": "db://sales#amount", "container": by_name("DATASET_VERSION", "db://sales@v1")},
    )
    with neo4j_driver.session() as session:
        rows = session.run(
            "MATCH (c:Entity)-[r]->(m:Entity) RETURN c.qualifiedName AS c, type(r) AS r, m.qualifiedName AS m ORDER BY c"
        ).data()
    assert rows == [
        {"c": "db://sales", "r": "HAS_VERSION", "m": "db://sales@v1"},
        {"c": "db://sales@v1", "r": "HAS_FEATURE", "m": "db://sales#amount"},
    ]


def test_changing_a_container_moves_the_member(admin, neo4j_driver):
    version = {"type": "DATASET_VERSION", "qualifiedName": "db://x@v1"}
    upsert(admin, {**version, "container": by_name("DATASET", "db://a")})
    upsert(admin, {**version, "container": by_name("DATASET", "db://b")})
    with neo4j_driver.session() as session:
        containers = session.run("MATCH (c)-[:HAS_VERSION]->(:DatasetVersion) RETURN c.qualifiedName AS c").value()
    assert containers == ["db://b"]


def test_a_container_by_id_must_be_of_an_allowed_type(admin, neo4j_driver):
    [model] = upsert(admin, {"type": "MODEL", "qualifiedName": "m"})
    error = admin.error(UPSERT, {"in": [{"type": "DATASET_VERSION", "qualifiedName": "v", "container": {"id": model["id"]}}]})
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert "input[0].container" in error["message"] and "DATASET" in error["message"]
    assert count_entities(neo4j_driver) == 1


def test_a_batch_fails_whole_when_one_item_references_a_missing_id(admin, neo4j_driver):
    items = [dataset(f"db://t{i}") for i in range(50)]
    items.append({"type": "DATASET_VERSION", "qualifiedName": "db://t@v1",
                  "container": {"id": "00000000-0000-4000-8000-000000000000"}})
    error = admin.error(UPSERT, {"in": items})
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "input[50].container.id" in error["message"]
    assert count_entities(neo4j_driver) == 0


def test_ten_thousand_entities_upsert_in_one_request(admin, neo4j_driver):
    items = [dataset(f"db://bulk/{i}", properties={"i": i}) for i in range(10_000)]
    stored = admin.data("mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }", {"in": items})
    assert len({e["id"] for e in stored["upsertEntities"]}) == 10_000
    assert count_entities(neo4j_driver) == 10_000
