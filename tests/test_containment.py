"""Containment in GraphQL: `Entity.container` and `Entity.members` (containment edges run container ->
member: HAS_VERSION, HAS_FEATURE, HAS_RUN).

    dataset sales --HAS_VERSION--> sales_v1, sales_v2    --HAS_FEATURE--> sales.amount, sales.email (PII)
    model churn   --HAS_VERSION--> churn_v1, churn_v2
    experiment exp --HAS_RUN--> run_a, run_b

Hidden members (restricted, the caller not cleared) are neither listed nor counted; a hidden container
is null, exactly like none; deleted entities are left out; a list of entities asking for containers or
members costs one query per field, whatever its length.
"""

from __future__ import annotations

import pytest

from provgraph.domain.pages import encode_cursor
from provgraph.store.queries import QueryCatalog

from .graph import Graph

MEMBERS = """query($id: ID!, $first: Int, $after: String, $types: [EntityType!]) {
  entity(id: $id) {
    members(first: $first, after: $after, types: $types) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id qualifiedName type } }
    }
  }
}"""
CONTAINER = "query($id: ID!) { entity(id: $id) { container { id qualifiedName type } } }"
EVERY_CONTAINER = """{
  search(first: 100) { edges { node { qualifiedName container { qualifiedName } members { totalCount } } } }
}"""
GRANT = 'mutation($p: String!) { grant(principal: $p, action: "read", classification: "PII") }'


@pytest.fixture
def g(admin) -> Graph:
    g = Graph(
        admin,
        dataset="sales",
        dataset_version="sales_v1 sales_v2",
        feature="sales.amount sales.email",
        model="churn",
        model_version="churn_v1 churn_v2",
        experiment="exp",
        run="run_a run_b",
    )
    g.contain("sales", "sales_v1", "sales_v2", "sales.amount", "sales.email")
    g.contain("churn", "churn_v1", "churn_v2")
    g.contain("exp", "run_a", "run_b")
    return g


def members(client, g: Graph, name: str, **variables) -> dict:
    found = client.data(MEMBERS, {"id": g.ids[name], **variables})["entity"]["members"]
    return {
        "total": found["totalCount"],
        "names": [e["node"]["qualifiedName"].removeprefix("test://") for e in found["edges"]],
        "page": found["pageInfo"],
    }


def container(client, g: Graph, name: str) -> str | None:
    found = client.data(CONTAINER, {"id": g.ids[name]})["entity"]["container"]
    return found["qualifiedName"].removeprefix("test://") if found else None


def test_containers_and_members_of_every_kind(admin, g) -> None:
    # By type, then qualifiedName: the versions, then the features.
    sales = members(admin, g, "sales")
    assert sales["names"] == ["sales_v1", "sales_v2", "sales.amount", "sales.email"] and sales["total"] == 4
    assert sales["page"]["hasNextPage"] is False and sales["page"]["hasPreviousPage"] is False
    assert members(admin, g, "sales", types=["FEATURE"])["names"] == ["sales.amount", "sales.email"]
    assert members(admin, g, "churn")["names"] == ["churn_v1", "churn_v2"]
    assert members(admin, g, "exp")["names"] == ["run_a", "run_b"]
    assert members(admin, g, "run_a") == {
        "total": 0, "names": [], "page": {"hasNextPage": False, "hasPreviousPage": False, "endCursor": None}
    }
    assert {n: container(admin, g, n) for n in ["sales_v2", "sales.email", "churn_v1", "run_b", "sales", "exp"]} == {
        "sales_v2": "sales", "sales.email": "sales", "churn_v1": "churn", "run_b": "exp", "sales": None, "exp": None,
    }


def test_members_page_through_with_first_and_after(admin, g) -> None:
    first = members(admin, g, "sales", first=3)
    assert first["names"] == ["sales_v1", "sales_v2", "sales.amount"] and first["total"] == 4
    assert first["page"]["hasNextPage"] is True
    rest = members(admin, g, "sales", first=3, after=first["page"]["endCursor"])
    assert rest["names"] == ["sales.email"] and rest["total"] == 4
    assert rest["page"]["hasNextPage"] is False and rest["page"]["hasPreviousPage"] is True


def test_a_viewer_neither_sees_nor_counts_a_pii_member(admin, as_role, g) -> None:
    g.classify("sales.email", "PII", propagate=False)
    viewer = as_role("viewer", name="vic")
    assert members(viewer, g, "sales")["names"] == ["sales_v1", "sales_v2", "sales.amount"]
    assert members(viewer, g, "sales")["total"] == 3
    assert members(viewer, g, "sales", types=["FEATURE"])["total"] == 1
    assert members(admin, g, "sales")["total"] == 4  # the admin is cleared for PII
    # A clearance reveals it.
    admin.data(GRANT, {"p": "vic"})
    assert members(viewer, g, "sales")["names"] == ["sales_v1", "sales_v2", "sales.amount", "sales.email"]


def test_a_hidden_container_is_null_like_none(admin, as_role, g) -> None:
    g.classify("churn", "PII", propagate=False)
    viewer = as_role("viewer")
    assert container(viewer, g, "churn_v1") is None
    assert container(admin, g, "churn_v1") == "churn"
    # The answer is the same as for a version that has no container at all.
    g.declare(model_version="loose_v1")
    hidden = viewer.execute(CONTAINER, {"id": g.ids["churn_v1"]})
    assert hidden == viewer.execute(CONTAINER, {"id": g.ids["loose_v1"]})
    assert hidden["data"] == {"entity": {"container": None}} and "errors" not in hidden


def test_deleted_members_and_containers_are_left_out(admin, g) -> None:
    g.delete("sales_v1")
    g.delete("run_a")
    assert members(admin, g, "sales")["names"] == ["sales_v2", "sales.amount", "sales.email"]
    assert members(admin, g, "sales")["total"] == 3
    assert members(admin, g, "exp")["names"] == ["run_b"]
    g.delete("churn")
    assert container(admin, g, "churn_v2") is None


def test_first_past_the_limit_names_first(admin, g) -> None:
    error = admin.error(MEMBERS, {"id": g.ids["sales"], "first": 1001})
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert "first" in error["message"] and "1000" in error["message"]
    assert error["extensions"]["field"] == "first"
    error = admin.error(MEMBERS, {"id": g.ids["sales"], "first": 0})
    assert error["extensions"]["code"] == "BAD_INPUT" and error["extensions"]["field"] == "first"
    assert members(admin, g, "sales", first=1000)["total"] == 4


def test_a_list_costs_one_query_per_field(admin, g, monkeypatch) -> None:
    asked: list[str] = []
    render = QueryCatalog.render

    def counting(self, name, entity_type=None):
        asked.append(name)
        return render(self, name, entity_type)

    monkeypatch.setattr(QueryCatalog, "render", counting)
    found = admin.data(EVERY_CONTAINER)["search"]["edges"]
    answers = {
        e["node"]["qualifiedName"].removeprefix("test://"): (
            (e["node"]["container"] or {}).get("qualifiedName", "").removeprefix("test://") or None,
            e["node"]["members"]["totalCount"],
        )
        for e in found
    }
    assert len(answers) == 11
    assert answers["sales"] == (None, 4) and answers["sales_v1"] == ("sales", 0)
    assert answers["churn"] == (None, 2) and answers["run_b"] == ("exp", 0)
    assert asked.count("containers_in_scope") == 1
    # Members: one count for the whole list, one page query for its one page shape (first 20).
    assert asked.count("members_count_in_scope") == 1
    assert asked.count("members_page_in_scope") == 1


TWO_PAGES = """query($sales: ID!, $churn: ID!, $afterFirst: String!) {
  sales: entity(id: $sales) { members(first: 2) { totalCount edges { node { qualifiedName } } } }
  salesRest: entity(id: $sales) { members(first: 2, after: $afterFirst) { totalCount edges { node { qualifiedName } } } }
  churn: entity(id: $churn) { members(first: 1) { totalCount edges { node { qualifiedName } } } }
}"""


def test_pages_of_different_shapes_in_one_request_are_each_right(admin, g) -> None:
    variables = {"sales": g.ids["sales"], "churn": g.ids["churn"], "afterFirst": encode_cursor(0)}
    found = admin.data(TWO_PAGES, variables)
    names = {k: [e["node"]["qualifiedName"].removeprefix("test://") for e in v["members"]["edges"]] for k, v in found.items()}
    assert names == {"sales": ["sales_v1", "sales_v2"], "salesRest": ["sales_v2", "sales.amount"], "churn": ["churn_v1"]}
    assert {k: v["members"]["totalCount"] for k, v in found.items()} == {"sales": 4, "salesRest": 4, "churn": 2}


AUDIT = """query($principal: String, $entityId: ID) {
  auditEvents(principal: $principal, entityId: $entityId, action: "read", first: 100) {
    edges { node { resourceId resourceType decision details } }
  }
}"""


def test_reads_are_audited_a_hidden_container_as_denied(admin, as_role, g) -> None:
    g.classify("churn", "PII", propagate=False)
    g.classify("sales.email", "PII", propagate=False)
    viewer = as_role("viewer", name="val")
    container(viewer, g, "churn_v1")
    members(admin, g, "sales")
    denied = [e["node"] for e in admin.data(AUDIT, {"principal": "val", "entityId": g.ids["churn"]})["auditEvents"]["edges"]]
    assert [(e["decision"], e["resourceType"], e["details"]["operation"]) for e in denied] == [("deny", "Model", "container")]
    # The admin read the PII member: a restricted read, named.
    restricted = admin.data(AUDIT, {"principal": "admin", "entityId": g.ids["sales.email"]})["auditEvents"]["edges"]
    assert [(e["node"]["decision"], e["node"]["details"]) for e in restricted] == [
        ("allow", {"operation": "members", "restricted": ["PII"]})
    ]
