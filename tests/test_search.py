"""Full-text search over name, qualifiedName and description, with type filters and cursor pages."""

from __future__ import annotations

from .documents import DELETE, SEARCH
from .graph import dataset, upsert


def _names(result):
    return [edge["node"]["qualifiedName"] for edge in result["search"]["edges"]]


def test_search_matches_words_in_name_qualified_name_and_description(admin):
    upsert(
        admin,
        dataset("warehouse://analytics/customer_churn_v2"),
        dataset("db://orders", name="Orders"),
        dataset("db://events", description="Raw CHURN signals from the app"),
        {"type": "MODEL", "qualifiedName": "registry://unrelated"},
    )
    result = admin.data(SEARCH, {"text": "churn"})
    assert sorted(_names(result)) == ["db://events", "warehouse://analytics/customer_churn_v2"]
    assert result["search"]["totalCount"] == 2
    assert _names(admin.data(SEARCH, {"text": "ord"})) == ["db://orders"]  # words match as prefixes


def test_every_word_must_match(admin):
    upsert(admin, dataset("db://customer_orders"), dataset("db://customer_events"))
    assert _names(admin.data(SEARCH, {"text": "customer orders"})) == ["db://customer_orders"]


def test_lucene_syntax_in_the_text_is_just_text(admin):
    upsert(admin, dataset("db://a_b"))
    for text in ['a AND (b', 'title:"x', "*", "~~~", "a\\"]:
        assert admin.data(SEARCH, {"text": text})["search"]["totalCount"] >= 0


def test_search_filters_by_types(admin):
    upsert(admin, dataset("db://sales"), {"type": "MODEL", "qualifiedName": "registry://sales"})
    assert _names(admin.data(SEARCH, {"text": "sales", "types": ["MODEL"]})) == ["registry://sales"]


def test_deleted_entities_are_not_found(admin):
    [gone, kept] = upsert(admin, dataset("db://sales_old"), dataset("db://sales_new"))
    admin.data(DELETE, {"id": gone["id"]})
    assert _names(admin.data(SEARCH, {"text": "sales"})) == ["db://sales_new"]
    assert admin.data(SEARCH, {})["search"]["totalCount"] == 1


def test_pages_follow_cursors_to_the_end_with_a_stable_total(admin):
    upsert(admin, *[dataset(f"db://t{i:02d}") for i in range(7)])
    seen, after = [], None
    while True:
        page = admin.data(SEARCH, {"first": 3, "after": after})["search"]
        assert page["totalCount"] == 7
        seen += [e["node"]["qualifiedName"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"db://t{i:02d}" for i in range(7)]
    assert page["pageInfo"]["hasPreviousPage"] is True
