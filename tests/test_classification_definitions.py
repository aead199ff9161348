"""Classification definitions, classify/declassify refusals, who may do what, and finding holders."""

from __future__ import annotations

from .documents import CLASSIFY_ASSIGNMENTS, DECLASSIFY
from .graph import Graph

DEFS = "query { classificationDefs { name description attributes propagate restricted builtIn } }"
DEFINE = """mutation($n: String!, $d: String, $a: [String!], $p: Boolean = true, $r: Boolean = false) {
  defineClassification(name: $n, description: $d, attributes: $a, propagate: $p, restricted: $r) {
    name description attributes propagate restricted builtIn
  }
}"""
SEARCH = """query($c: String, $text: String) {
  search(classification: $c, text: $text, first: 50) { totalCount edges { node { qualifiedName } } }
}"""


def test_the_built_ins_exist_from_the_start(admin):
    defs = {d["name"]: d for d in admin.data(DEFS)["classificationDefs"]}
    assert {n: (d["restricted"], d["attributes"], d["builtIn"]) for n, d in defs.items()} == {
        "CONFIDENTIAL": (False, [], True),
        "EXPIRES_ON": (False, ["date"], True),
        "PII": (True, [], True),
        "SENSITIVE": (True, [], True),
    }


def test_define_then_list_a_classification(admin):
    created = admin.data(DEFINE, {"n": "GDPR_ART_9", "d": "special category data", "a": ["basis", "basis"], "r": True})
    assert created["defineClassification"] == {
        "name": "GDPR_ART_9", "description": "special category data", "attributes": ["basis"],
        "propagate": True, "restricted": True, "builtIn": False,
    }
    assert "GDPR_ART_9" in [d["name"] for d in admin.data(DEFS)["classificationDefs"]]


def test_names_are_upper_snake(admin):
    for bad in ["pii", "Pii", "PII-2", "_PII", "PII__X", ""]:
        error = admin.error(DEFINE, {"n": bad})
        assert error["extensions"]["code"] == "BAD_INPUT", bad
        assert "UPPER_SNAKE" in error["message"]


def test_redefining_restricted_or_attributes_is_a_conflict_while_assigned(admin):
    admin.data(DEFINE, {"n": "RETENTION", "a": ["days"]})
    admin.data(DEFINE, {"n": "RETENTION", "a": ["days", "reason"]})  # nobody holds it yet: allowed
    g = Graph(admin, dataset="raw")
    g.classify("raw", "RETENTION", attributes={"days": 30})
    error = admin.error(DEFINE, {"n": "RETENTION", "a": ["days"]})
    assert error["extensions"]["code"] == "CONFLICT"
    assert "attributes" in error["message"]
    error = admin.error(DEFINE, {"n": "RETENTION", "a": ["days", "reason"], "r": True})
    assert error["extensions"]["code"] == "CONFLICT"
    assert "restricted" in error["message"]
    changed = admin.data(DEFINE, {"n": "RETENTION", "d": "keep for a while", "a": ["reason", "days"]})
    assert changed["defineClassification"]["description"] == "keep for a while"


def test_a_built_in_cannot_change_its_restricted_flag(admin):
    error = admin.error(DEFINE, {"n": "PII", "r": False})
    assert error["extensions"]["code"] == "CONFLICT"
    assert "built in" in error["message"]


def test_classifying_with_an_unknown_name_is_not_found(admin):
    g = Graph(admin, dataset="raw")
    error = admin.error(CLASSIFY_ASSIGNMENTS, {"id": g.ids["raw"], "n": "NO_SUCH_TAG"})
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert "NO_SUCH_TAG" in error["message"]


def test_classifying_an_unknown_entity_is_not_found(admin):
    error = admin.error(CLASSIFY_ASSIGNMENTS, {"id": "00000000-0000-4000-8000-000000000000", "n": "PII"})
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_attributes_must_be_among_the_definitions(admin):
    g = Graph(admin, dataset="raw")
    error = admin.error(CLASSIFY_ASSIGNMENTS, {"id": g.ids["raw"], "n": "EXPIRES_ON", "a": {"date": "2026-01-01", "owner": "x"}})
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert error["extensions"]["field"] == "attributes.owner"
    assert "owner" in error["message"] and "date" in error["message"]
    error = admin.error(CLASSIFY_ASSIGNMENTS, {"id": g.ids["raw"], "n": "EXPIRES_ON", "a": ["2026-01-01"]})
    assert error["extensions"]["code"] == "BAD_INPUT"


def test_declassifying_a_propagated_copy_is_refused_and_names_the_source(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")
    g.classify("raw", "PII")
    error = admin.error(DECLASSIFY, {"id": g.ids["clean"], "n": "PII"})
    assert error["extensions"]["code"] == "PROPAGATED_CLASSIFICATION"
    assert g.ids["raw"] in error["message"]
    assert "block" in error["message"] and "source" in error["message"]
    assert error["extensions"]["sourceIds"] == [g.ids["raw"]]
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw"}}


def test_declassifying_what_the_entity_does_not_hold_is_not_found(admin):
    g = Graph(admin, dataset="raw")
    error = admin.error(DECLASSIFY, {"id": g.ids["raw"], "n": "PII"})
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_a_direct_tag_on_a_holder_of_a_copy_is_its_own_assignment(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")
    g.classify("raw", "PII")
    g.classify("clean", "PII")
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw", "clean"}}
    assert [(a["sourceId"], a["propagated"]) for a in g.declassify("clean", "PII")] == [(g.ids["raw"], True)]
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw"}}


def test_blocking_needs_a_live_lineage_edge_and_a_defined_classification(admin):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl")
    variables = {"s": g.ids["etl"], "t": g.ids["clean"], "c": "PII"}
    block = "mutation($s: ID!, $t: ID!, $c: String!) { blockPropagation(sourceId: $s, targetId: $t, classification: $c) { type } }"
    assert admin.error(block, variables)["extensions"]["code"] == "NOT_FOUND"
    variables = {"s": g.ids["raw"], "t": g.ids["etl"], "c": "NO_SUCH_TAG"}
    assert admin.error(block, variables)["extensions"]["code"] == "NOT_FOUND"


def test_search_by_classification_finds_direct_and_propagated_holders(admin):
    g = Graph(admin, dataset="raw clean other", run="etl")
    g.link("raw -> etl -> clean")
    g.classify("raw", "CONFIDENTIAL")
    found = admin.data(SEARCH, {"c": "CONFIDENTIAL"})["search"]
    assert found["totalCount"] == 3
    assert sorted(e["node"]["qualifiedName"] for e in found["edges"]) == ["test://clean", "test://etl", "test://raw"]
    found = admin.data(SEARCH, {"c": "CONFIDENTIAL", "text": "clean"})["search"]
    assert [e["node"]["qualifiedName"] for e in found["edges"]] == ["test://clean"]
    g.declassify("raw", "CONFIDENTIAL")
    assert admin.data(SEARCH, {"c": "CONFIDENTIAL"})["search"]["totalCount"] == 0


# -- who may do what ------------------------------------------------------------------------------


def test_a_data_engineer_classifies_and_declassifies(admin, as_role):
    g = Graph(admin, dataset="raw clean", run="etl")
    g.link("raw -> etl -> clean")
    engineer = as_role("data-engineer")
    engineer.data(CLASSIFY_ASSIGNMENTS, {"id": g.ids["raw"], "n": "CONFIDENTIAL"})
    assert g.holders("CONFIDENTIAL") == {"raw": {"raw"}, "etl": {"raw"}, "clean": {"raw"}}
    engineer.data(DECLASSIFY, {"id": g.ids["raw"], "n": "CONFIDENTIAL"})
    assert g.holders("CONFIDENTIAL") == {}


def test_viewers_and_scientists_may_not_classify(admin, as_role):
    g = Graph(admin, dataset="raw")
    for role in ["viewer", "data-scientist", "governance-reviewer"]:
        error = as_role(role).error(CLASSIFY_ASSIGNMENTS, {"id": g.ids["raw"], "n": "CONFIDENTIAL"})
        assert error["extensions"]["code"] == "FORBIDDEN", role
    assert g.holders("CONFIDENTIAL") == {}


def test_only_admins_define_classifications(admin, as_role):
    error = as_role("data-engineer").error(DEFINE, {"n": "MINE"})
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "MINE" not in [d["name"] for d in admin.data(DEFS)["classificationDefs"]]


def test_a_restricted_entity_the_caller_cannot_read_is_not_found_for_classify(admin, as_role):
    g = Graph(admin, dataset="secret")
    g.classify("secret", "PII")
    engineer = as_role("data-engineer")  # may classify, but is not cleared for PII
    error = engineer.error(CLASSIFY_ASSIGNMENTS, {"id": g.ids["secret"], "n": "CONFIDENTIAL"})
    assert error["extensions"]["code"] == "NOT_FOUND"
    missing = engineer.error(CLASSIFY_ASSIGNMENTS, {"id": "00000000-0000-4000-8000-000000000000", "n": "CONFIDENTIAL"})
    assert error["message"].replace(g.ids["secret"], "ID") == missing["message"].replace(
        "00000000-0000-4000-8000-000000000000", "ID"
    )


def test_classify_and_declassify_are_audited(admin, neo4j_driver):
    g = Graph(admin, dataset="raw")
    g.classify("raw", "CONFIDENTIAL")
    g.declassify("raw", "CONFIDENTIAL")
    events = admin.data(
        "query($id: ID) { auditEvents(entityId: $id) { edges { node { action decision principal } } } }",
        {"id": g.ids["raw"]},
    )["auditEvents"]["edges"]
    actions = [e["node"]["action"] for e in events]
    assert "classify" in actions and "declassify" in actions
