"""Full-text search over name, qualifiedName and description, with type filters and cursor pages."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provgraph.domain.errors import BadInput
from provgraph.services.entities import MAX_SEARCH_TEXT, MAX_SEARCH_WORD
from provgraph.store import entities as entity_store

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


def _search_error(admin, text):
    body = admin.execute(SEARCH, {"text": text})
    return body["errors"][0] if body.get("errors") else None


def test_a_word_longer_than_the_index_can_search_is_limit_exceeded_naming_text_and_the_limit(admin):
    upsert(admin, dataset("db://" + "x" * MAX_SEARCH_WORD))
    assert _names(admin.data(SEARCH, {"text": "x" * MAX_SEARCH_WORD})) == ["db://" + "x" * MAX_SEARCH_WORD]
    assert admin.data(SEARCH, {"text": "𝐀" * MAX_SEARCH_WORD})["search"]["totalCount"] == 0  # 4 bytes a letter
    for length in (MAX_SEARCH_WORD + 1, 1000):
        error = _search_error(admin, "find " + "x" * length)
        assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "text", "limit": MAX_SEARCH_WORD}
        assert f"at most {MAX_SEARCH_WORD} letters" in error["message"] and str(length) in error["message"]
    # The word of 1,100 letters that answered INTERNAL is longer than the whole text may be.
    assert _search_error(admin, "x" * 1100)["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "text", "limit": MAX_SEARCH_TEXT}


def test_text_longer_than_the_limit_is_limit_exceeded_not_cut_short(admin):
    assert admin.data(SEARCH, {"text": "ab " * (MAX_SEARCH_TEXT // 3)})["search"]["totalCount"] == 0
    error = _search_error(admin, "a" * 10 + " " * MAX_SEARCH_TEXT)
    assert error["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "text", "limit": MAX_SEARCH_TEXT}
    assert f"at most {MAX_SEARCH_TEXT} characters" in error["message"]


def test_a_query_the_index_refuses_is_bad_input_naming_text(services, http):
    scope = {"readableTypes": [], "hiddenClassifications": [], "grantedIds": []}
    refused = "x" * 1100 + "*"  # what fulltext_query never builds: Lucene's automaton is too large
    with pytest.raises(BadInput) as raised:
        http.portal.call(services.db.read, lambda tx: entity_store.search(tx, refused, None, 0, 10, scope))
    assert raised.value.details == {"field": "text"} and raised.value.message.startswith("text: ")


LUCENE_SYNTAX = ["AND", "OR", "NOT", "+", "-", "&&", "||", "!", "(", ")", "{", "}", "[", "]", "^", '"', "~", "*",
                 "?", ":", "\\", "/", "TO", "title:", "*:*", "a~2", "b^3", "[a TO z]", '"a b"~3', "\\*"]
UNICODE = ["e\u0301", "\u0308" * 5, "😀", "👩‍👩‍👧", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
           "\u200f", "\u202e", "\x00", "𝐀𝐁𝐂", "İstanbul", "ß", "\ufeff", "\u3000", "中文字符"]


def search_texts() -> st.SearchStrategy[str]:
    pieces = st.one_of(
        st.sampled_from(LUCENE_SYNTAX),
        st.sampled_from(UNICODE),
        st.text(min_size=1, max_size=20),
        st.text(alphabet=st.characters(categories=["L"]), min_size=150, max_size=1200),
        st.sampled_from([" ", "\t", "\n", "\r\n", "\u00a0", ""]),
    )
    return st.one_of(st.lists(pieces, max_size=12).map("".join), st.lists(pieces, max_size=12).map(" ".join), st.text())


def test_any_text_gets_data_or_a_coded_error_never_internal(admin):
    upsert(admin, dataset("db://customer_churn"), dataset("db://שלום/مرحبا", description="é 😀 AND OR"))

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=search_texts())
    def answers(text: str) -> None:
        body = admin.execute(SEARCH, {"text": text})
        if body.get("errors"):
            [error] = body["errors"]
            assert error["extensions"]["code"] in ("BAD_INPUT", "LIMIT_EXCEEDED"), (text, error)
            assert error["extensions"]["field"] == "text"
        else:
            assert body["data"]["search"]["totalCount"] >= 0

    answers()
