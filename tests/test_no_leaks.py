"""No leaks: an entity a principal may not read is absent from entity, entityByName and search (and from
totalCount), and appears in lineage, impact and lineagePath only as `restricted: true` with an opaque id
and its type. Errors for hidden and missing entities are identical. A clearance reveals it; revoking
the clearance hides it again.

The graph (data flows left to right; PII is tagged on warehouse.customers and blocked where marked X):

    warehouse.customers (PII, owner sam-steward) --X--> jobs.anonymise --> features.customer_profiles --> jobs.train --> models.churn/1
      `-HAS_FEATURE-> .email (PII) ----------------X--DERIVES--> features.customer_profiles.email_domain
    warehouse.customers ------------------------------> jobs.join (PII) --> analytics.customers_by_region (PII, owner sam-steward)
    ref.regions (owner rey) ----------------------------^                          --X--> jobs.report --> analytics.region_report (owner ria)

The secret: the names, ids and owners of every PII-carrying entity (customers, email, join, by_region).
"""

from __future__ import annotations

import json
import re
import uuid

import pytest

from .documents import BY_NAME, ENTITY, RECORD
from .graph import upsert

GRANT = "mutation($p: String!, $c: String) { grant(principal: $p, action: \"read\", classification: $c) }"
REVOKE = "mutation($p: String!, $c: String) { revoke(principal: $p, action: \"read\", classification: $c) }"
CLASSIFY = "mutation($id: ID!) { classify(entityId: $id, name: \"PII\") { id } }"
BLOCK = "mutation($s: ID!, $t: ID!) { blockPropagation(sourceId: $s, targetId: $t, classification: \"PII\") { source } }"
LINK = "mutation($s: ID!, $t: ID!) { linkLineage(sourceId: $s, targetId: $t) { source } }"
SEARCH = """query($text: String, $classification: String) {
  search(text: $text, classification: $classification, first: 100) {
    totalCount edges { cursor node { id qualifiedName name owners } }
  }
}"""
NODE = "id type distance restricted entity { id qualifiedName name owners description classifications { name sourceId path } }"
LINEAGE = f"""query($id: ID!, $direction: LineageDirection) {{
  lineage(id: $id, direction: $direction, depth: 6) {{ root truncated nodes {{ {NODE} }} edges {{ source target type }} }}
}}"""
IMPACT = f"query($id: ID!) {{ impact(id: $id) {{ root total owners truncated entities {{ {NODE} }} deployments {{ {NODE} }} }} }}"
PATH = "query($from: ID!, $to: ID!) { lineagePath(fromId: $from, toId: $to) }"

SECRET_OWNER = "sam-steward"


@pytest.fixture
def story(admin):
    """Builds the graph above as admin; returns the entities by short name."""
    customers, regions = upsert(
        admin,
        {"type": "DATASET", "qualifiedName": "warehouse.customers", "name": "customers", "owners": [SECRET_OWNER],
         "description": "names and emails"},
        {"type": "DATASET", "qualifiedName": "ref.regions", "owners": ["rey"]},
    )
    [email] = upsert(
        admin,
        {"type": "FEATURE", "qualifiedName": "warehouse.customers.email", "owners": [SECRET_OWNER],
         "container": {"id": customers["id"]}},
    )
    admin.data(CLASSIFY, {"id": customers["id"]})
    anonymise = _record(admin, "jobs.anonymise", [{"id": customers["id"]}],
                        [{"type": "DATASET", "qualifiedName": "features.customer_profiles"}])
    admin.data(BLOCK, {"s": customers["id"], "t": anonymise["id"]})
    [profiles, domain] = upsert(
        admin,
        {"type": "DATASET", "qualifiedName": "features.customer_profiles", "owners": ["fred"]},
        {"type": "FEATURE", "qualifiedName": "features.customer_profiles.email_domain",
         "container": {"type": "DATASET", "qualifiedName": "features.customer_profiles"}},
    )
    admin.data(LINK, {"s": email["id"], "t": domain["id"]})
    admin.data(BLOCK, {"s": email["id"], "t": domain["id"]})
    train = _record(admin, "jobs.train", [{"id": profiles["id"]}],
                    [{"type": "MODEL_VERSION", "qualifiedName": "models.churn/1"}])
    join = _record(admin, "jobs.join", [{"id": customers["id"]}, {"id": regions["id"]}],
                   [{"type": "DATASET", "qualifiedName": "analytics.customers_by_region"}])
    [by_region] = upsert(admin, {"type": "DATASET", "qualifiedName": "analytics.customers_by_region",
                                 "owners": [SECRET_OWNER]})
    report = _record(admin, "jobs.report", [{"id": by_region["id"]}],
                     [{"type": "DATASET", "qualifiedName": "analytics.region_report"}])
    admin.data(BLOCK, {"s": by_region["id"], "t": report["id"]})
    [region_report] = upsert(admin, {"type": "DATASET", "qualifiedName": "analytics.region_report", "owners": ["ria"]})
    model_version = admin.data(BY_NAME, {"t": "MODEL_VERSION", "q": "models.churn/1"})["entityByName"]
    entities = {
        "customers": customers, "email": email, "anonymise": anonymise, "profiles": profiles, "domain": domain,
        "train": train, "model_version": model_version, "regions": regions, "join": join, "by_region": by_region,
        "report": report, "region_report": region_report,
    }
    return entities


def _record(admin, qualified_name: str, inputs: list[dict], outputs: list[dict]) -> dict:
    process = {"type": "RUN", "qualifiedName": qualified_name, "inputs": inputs, "outputs": outputs}
    return admin.data(RECORD, {"in": process})["recordProcess"]


HIDDEN = ("customers", "email", "join", "by_region")


def secrets(story) -> list[str]:
    """Every string that would tell the caller about a hidden entity."""
    values = [SECRET_OWNER, "warehouse.customers", "names and emails", "jobs.join", "analytics.customers_by_region"]
    values += [story[name]["id"] for name in HIDDEN]
    return values


def assert_no_trace(body: dict, story) -> None:
    text = json.dumps(body)
    leaked = [value for value in secrets(story) if value in text]
    assert not leaked, f"the answer reveals {leaked}: {text[:2000]}"


@pytest.fixture(params=["viewer", "data-scientist"])
def outsider(request, as_role):
    """A principal whose role reads only unrestricted metadata."""
    return as_role(request.param, name="outsider")


# -- lookups and search -----------------------------------------------------------------------------


def test_hidden_entities_are_absent_from_entity_and_entity_by_name(story, outsider):
    for name in HIDDEN:
        body = outsider.execute(ENTITY, {"id": story[name]["id"]})
        assert body["data"] == {"entity": None} and not body.get("errors")
        assert_no_trace(body, story)
    body = outsider.execute(BY_NAME, {"t": "DATASET", "q": "warehouse.customers"})
    assert body["data"] == {"entityByName": None} and not body.get("errors")


def test_hidden_entities_are_absent_from_search_and_its_total(story, admin, outsider):
    everything = admin.data(SEARCH, {})["search"]["totalCount"]
    body = outsider.execute(SEARCH, {})
    assert body["data"]["search"]["totalCount"] == everything - len(HIDDEN)
    assert_no_trace(body, story)
    for text in ("customers", "warehouse", "email", "region"):
        body = outsider.execute(SEARCH, {"text": text})
        assert_no_trace(body, story)
    assert outsider.data(SEARCH, {"text": "customers"})["search"]["totalCount"] == 0


def test_the_classification_filter_finds_nothing_hidden(story, admin, outsider):
    assert admin.data(SEARCH, {"classification": "PII"})["search"]["totalCount"] == len(HIDDEN)
    body = outsider.execute(SEARCH, {"classification": "PII"})
    assert body["data"]["search"] == {"totalCount": 0, "edges": []}


def test_visible_entities_do_not_reveal_hidden_sources_through_their_classifications(story, outsider):
    for name in ("anonymise", "profiles", "domain", "train", "model_version", "regions", "report", "region_report"):
        body = outsider.execute(ENTITY, {"id": story[name]["id"]})
        assert body["data"]["entity"]["id"] == story[name]["id"]
        assert_no_trace(body, story)


# -- lineage, impact, paths ------------------------------------------------------------------------


def test_lineage_shows_a_hidden_upstream_entity_only_as_restricted_with_an_opaque_id(story, outsider):
    body = outsider.execute(LINEAGE, {"id": story["train"]["id"], "direction": "UPSTREAM"})
    assert not body.get("errors"), body
    assert_no_trace(body, story)
    lineage = body["data"]["lineage"]
    restricted = [n for n in lineage["nodes"] if n["restricted"]]
    assert [(n["type"], n["entity"]) for n in restricted] == [("DATASET", None)]  # customers, masked
    opaque = restricted[0]["id"]
    node_ids = {n["id"] for n in lineage["nodes"]}
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in lineage["edges"])
    assert any(e["source"] == opaque for e in lineage["edges"])  # the same opaque id in nodes and edges


def test_lineage_from_a_visible_entity_downstream_masks_hidden_ones(story, outsider):
    body = outsider.execute(LINEAGE, {"id": story["regions"]["id"], "direction": "DOWNSTREAM"})
    assert not body.get("errors"), body
    assert_no_trace(body, story)
    nodes = body["data"]["lineage"]["nodes"]
    assert sorted(n["type"] for n in nodes if n["restricted"]) == ["DATASET", "RUN"]  # by_region, join
    assert {story["report"]["id"], story["region_report"]["id"]} <= {n["id"] for n in nodes if not n["restricted"]}


def test_lineage_from_the_hidden_entity_is_the_same_error_as_from_a_missing_one(story, outsider):
    _same_as_missing(outsider, LINEAGE, {"id": story["customers"]["id"], "direction": "BOTH"}, "id", story)


def test_impact_masks_hidden_entities_and_their_owners(story, admin, outsider):
    assert SECRET_OWNER in admin.data(IMPACT, {"id": story["regions"]["id"]})["impact"]["owners"]
    body = outsider.execute(IMPACT, {"id": story["regions"]["id"]})
    assert not body.get("errors"), body
    assert_no_trace(body, story)
    impact = body["data"]["impact"]
    masked = [n for n in impact["entities"] if n["restricted"]]
    assert impact["total"] == 4 and len(masked) == 2 and all(n["entity"] is None for n in masked)
    assert impact["owners"] == ["ria"]  # not the owners learned only from hidden entities


def test_impact_of_the_hidden_entity_is_the_same_error_as_of_a_missing_one(story, outsider):
    _same_as_missing(outsider, IMPACT, {"id": story["customers"]["id"]}, "id", story)


def test_a_path_through_hidden_entities_shows_no_real_id(story, admin, outsider):
    ends = {"from": story["regions"]["id"], "to": story["region_report"]["id"]}
    real = admin.data(PATH, ends)["lineagePath"]
    assert real == [story[n]["id"] for n in ("regions", "join", "by_region", "report", "region_report")]
    body = outsider.execute(PATH, ends)
    assert_no_trace(body, story)
    path = body["data"]["lineagePath"]
    assert len(path) == 5 and path[0] == real[0] and path[3:] == real[3:]


def test_a_path_from_the_hidden_entity_is_the_same_answer_as_from_a_missing_one(story, outsider):
    _same_as_missing(outsider, PATH, {"from": story["customers"]["id"], "to": story["profiles"]["id"]}, "from", story)


def _same_as_missing(client, query: str, variables: dict, id_variable: str, story) -> None:
    """The answer about the hidden id equals the answer about a random one (each echoing the id asked)."""
    hidden_id, missing_id = variables[id_variable], str(uuid.uuid4())
    hidden = _normalised(client.execute(query, variables), hidden_id)
    missing = _normalised(client.execute(query, {**variables, id_variable: missing_id}), missing_id)
    assert hidden == missing
    assert_no_trace(json.loads(hidden), story)


def _normalised(body: dict, entity_id: str) -> str:
    return re.sub(re.escape(entity_id), "<id>", json.dumps(body, sort_keys=True))


# -- clearance reveals, revoking hides --------------------------------------------------------------


def test_a_clearance_reveals_the_dataset_and_revoking_it_hides_it_again(story, admin, outsider):
    customers = story["customers"]
    admin.data(GRANT, {"p": "outsider", "c": "PII"})
    assert outsider.data(ENTITY, {"id": customers["id"]})["entity"]["owners"] == [SECRET_OWNER]
    lineage = outsider.data(LINEAGE, {"id": story["train"]["id"], "direction": "UPSTREAM"})["lineage"]
    assert customers["id"] in {n["id"] for n in lineage["nodes"] if not n["restricted"]}
    assert outsider.data(SEARCH, {"classification": "PII"})["search"]["totalCount"] == len(HIDDEN)

    admin.data(REVOKE, {"p": "outsider", "c": "PII"})
    assert outsider.data(ENTITY, {"id": customers["id"]})["entity"] is None
    assert_no_trace(outsider.execute(LINEAGE, {"id": story["train"]["id"], "direction": "UPSTREAM"}), story)
    assert outsider.data(SEARCH, {"classification": "PII"})["search"]["totalCount"] == 0


# -- GraphQL itself --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ('{ entitty(id: "x") { id } }', {}),
        ("{ me { nam } }", {}),
        ('{ search(txt: "a") { totalCount } }', {}),
        ("{ search(types: [DATASE]) { totalCount } }", {}),
        ("query($t: EntityType!) { entityByName(type: $t, qualifiedName: \"a\") { id } }", {"t": "DATASE"}),
        ("{ search { edges { node { qualifiedNam } } } }", {}),
    ],
)
def test_graphql_errors_suggest_no_names(admin, query, variables):
    body = admin.execute(query, variables)
    assert body["errors"], body
    for error in body["errors"]:
        assert "Did you mean" not in error["message"] and error["extensions"]["code"] == "BAD_INPUT", error
