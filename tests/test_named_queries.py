"""The named-query catalog (store/queries.py): fragments and variants are written out when it loads,
and every statement of the lineage traversal, each of its searches included, plans on the real Neo4j."""

from __future__ import annotations

import re
import shutil

import pytest

from provgraph.domain.entities import EntityType
from provgraph.domain.lineage import SEARCH_BOUNDS
from provgraph.resources import resource_dir
from provgraph.store.queries import VARIANTS, QueryCatalog


def _operators(plan: dict) -> list[dict]:
    found = [plan]
    for child in plan.get("children", []):
        found += _operators(child)
    return found


def test_every_statement_is_plain_cypher_once_loaded():
    catalog = QueryCatalog.load()
    for name in catalog.names():
        text = catalog.get(name)
        assert "@" not in text, name
        assert "// each:" not in text and "// end each" not in text, name
        assert set(re.findall(r"__[A-Z_]+__", text)) <= {"__TYPE__"}, name


def test_the_traversal_writes_one_search_per_direction_and_bound():
    text = QueryCatalog.load().get("lineage_traversal")
    assert len(VARIANTS["lineage_search"]) == 2 * len(SEARCH_BOUNDS)
    for bound in SEARCH_BOUNDS:
        assert text.count(f"(start)-[rs:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES*1..{bound}]->(x)") == 1
        assert text.count(f"(start)<-[rs:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES*1..{bound}]-(x)") == 1
    assert text.count("UNION ALL") == 2 * len(SEARCH_BOUNDS) - 1
    # The asOf predicates are the fragments' text, once per use.
    assert text.count("coalesce(r.removedAt > $asOf, r.removedAt IS NULL)") == 2 * len(SEARCH_BOUNDS)
    assert text.count("coalesce(n.deletedAt > $asOf, n.deletedAt IS NULL)") == 2 * len(SEARCH_BOUNDS)


def test_every_traversal_statement_and_search_plans(neo4j_driver, tmp_path):
    shutil.copy(resource_dir("cypher") / "traversal.cypher", tmp_path)
    catalog = QueryCatalog.load(tmp_path)
    assert catalog.names() == ["lineage_edges_among", "lineage_root", "lineage_shortest_path", "lineage_traversal"]
    with neo4j_driver.session(notifications_min_severity="OFF") as session:
        plans = {name: session.run("EXPLAIN " + catalog.get(name)).consume().plan for name in catalog.names()}
    searches = [
        op["args"]["Details"] for op in _operators(plans["lineage_traversal"]) if op["operatorType"].startswith("VarLengthExpand")
    ]
    expected = sorted(
        f"(start){'<' if upstream else ''}-[:INPUT_TO|PRODUCED|DEPLOYED_AS|DERIVES*..{bound}]-{'' if upstream else '>'}(x)"
        for upstream in (False, True)
        for bound in SEARCH_BOUNDS
    )
    assert sorted(re.search(r"\(start\)\S+\(x\)", details).group(0) for details in searches) == expected


def test_an_unknown_fragment_fails_at_load_time(tmp_path):
    (tmp_path / "bad.cypher").write_text("// name: bad\nMATCH (n) WHERE @nowhere(n) RETURN n\n")
    with pytest.raises(ValueError, match="no fragment named 'nowhere'"):
        QueryCatalog.load(tmp_path)


def test_an_unknown_variant_set_fails_at_load_time(tmp_path):
    (tmp_path / "bad.cypher").write_text("// name: bad\nCALL {\n  // each: nothing\n  RETURN 1 AS x\n  // end each\n}\nRETURN x\n")
    with pytest.raises(ValueError, match="no variant set named 'nothing'"):
        QueryCatalog.load(tmp_path)


@pytest.mark.parametrize(
    "fragment, use, expanded",
    [
        (  # a comment line is not part of the predicate
            "live(r)\n// A comment line.\nr.removedAt IS NULL AND r.createdAt <= $now",
            "MATCH ()-[edge]->() WHERE @live(edge) RETURN edge",
            "MATCH ()-[edge]->() WHERE edge.removedAt IS NULL AND edge.createdAt <= $now RETURN edge",
        ),
        (  # the variable wherever it stands as a name, never a parameter or a property of its spelling
            "typed(e)\n'Run' IN labels(e) AND e.x = $e AND size(e.e) > 0",
            "MATCH (node) WHERE @typed(node) RETURN node",
            "MATCH (node) WHERE 'Run' IN labels(node) AND node.x = $e AND size(node.e) > 0 RETURN node",
        ),
    ],
)
def test_a_fragment_renames_only_its_variable(tmp_path, fragment, use, expanded):
    (tmp_path / "q.cypher").write_text(f"// fragment: {fragment}\n\n// name: q\n{use}\n")
    assert QueryCatalog.load(tmp_path).get("q") == expanded


def _scoped_statements(catalog: QueryCatalog) -> list[str]:
    """The statements that decide visibility inside Cypher (they take the ReadScope's parameters)."""
    return [name for name in catalog.names() if "$hiddenClassifications" in catalog.get(name)]


def test_the_read_scope_is_written_once_as_a_fragment():
    catalog = QueryCatalog.load()
    scoped = _scoped_statements(catalog)
    assert {"search_all_page", "search_text_count", "get_entity_in_scope", "containers_in_scope",
            "members_count_in_scope", "members_page_in_scope", "report_classified_entities"} <= set(scoped)
    text = "\n".join(path.read_text() for path in sorted(resource_dir("cypher").glob("*.cypher")))
    # the two fragments (visible_in_scope, and visible_or_owned_in_scope with the owner rule) are the only
    # places the condition is written; every statement uses one of them
    assert text.count("$hiddenClassifications") == 2
    for name in scoped:
        assert "visible_label IN $readableTypes" in catalog.get(name) or "$owner" in catalog.get(name), name


def test_every_statement_filtering_by_the_read_scope_plans(neo4j_driver):
    catalog = QueryCatalog.load()
    with neo4j_driver.session(notifications_min_severity="OFF") as session:
        for name in _scoped_statements(catalog):
            session.run("EXPLAIN " + catalog.render(name, EntityType.DATASET)).consume()


def test_a_page_of_members_keeps_only_the_page_while_it_reads_and_the_count_sorts_nothing(neo4j_driver):
    catalog = QueryCatalog.load()
    with neo4j_driver.session(notifications_min_severity="OFF") as session:
        page = [op["operatorType"] for op in _operators(session.run("EXPLAIN " + catalog.get("members_page_in_scope")).consume().plan)]
        count = [op["operatorType"] for op in _operators(session.run("EXPLAIN " + catalog.get("members_count_in_scope")).consume().plan)]
    assert any(op.split("@")[0] in ("Top", "PartialTop") for op in page), page
    assert not any(op.split("@")[0] in ("Sort", "Top", "PartialTop", "PartialSort") for op in count), count
