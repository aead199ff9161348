"""Property: on random DAGs, `lineage` and `impact` agree with a plain breadth-first search in Python over
the same edges: the same nodes at the same shortest distances, every edge among them, and with
`maxNodes` the nearest ones and `truncated` exactly when more were within reach.

Graphs are built through GraphQL: datasets and runs alternating (INPUT_TO / PRODUCED edges) or features
(DERIVES edges). Each example uses fresh qualified names, so earlier examples never connect to it."""

from __future__ import annotations

import itertools
import uuid
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .documents import IMPACT, LINEAGE, UPSERT_IDS

LINK = "mutation($s: ID!, $t: ID!) { linkLineage(sourceId: $s, targetId: $t) { type } }"
LINK_MANY = 8  # linkLineage calls per GraphQL request (aliases), to keep examples quick


@st.composite
def dags(draw):
    """(kind, node count, edges i -> j with i < j). For datasets and runs, even nodes are datasets and
    odd ones runs, and edges join a dataset and a run, so every edge is a valid lineage edge."""
    kind = draw(st.sampled_from(["DATASET/RUN", "FEATURE"]))
    size = draw(st.integers(min_value=2, max_value=25))
    pairs = [(i, j) for i, j in itertools.combinations(range(size), 2) if kind == "FEATURE" or (i + j) % 2 == 1]
    edges = draw(st.lists(st.sampled_from(pairs), max_size=45, unique=True)) if pairs else []
    return kind, size, sorted(edges)


def entity_type(kind: str, index: int) -> str:
    return "FEATURE" if kind == "FEATURE" else ("DATASET" if index % 2 == 0 else "RUN")


def distances(edges: list[tuple[int, int]], root: int, direction: str, depth: int) -> dict[int, int]:
    """Breadth-first search from root, at most depth hops; BOTH is the union at the nearer distance."""
    if direction == "BOTH":
        down, up = distances(edges, root, "DOWNSTREAM", depth), distances(edges, root, "UPSTREAM", depth)
        return {n: min(down.get(n, depth + 1), up.get(n, depth + 1)) for n in down.keys() | up.keys()}
    step = {}
    for source, target in edges:
        a, b = (source, target) if direction == "DOWNSTREAM" else (target, source)
        step.setdefault(a, []).append(b)
    found, frontier = {root: 0}, [root]
    for hop in range(1, depth + 1):
        frontier = [b for a in frontier for b in step.get(a, []) if b not in found]
        for b in frontier:
            found.setdefault(b, hop)
        frontier = list(dict.fromkeys(frontier))
    return found


def build(admin, kind: str, size: int, edges: list[tuple[int, int]]) -> list[str]:
    prefix = f"prop://{uuid.uuid4().hex[:8]}/"
    items = [{"type": entity_type(kind, i), "qualifiedName": f"{prefix}{i}"} for i in range(size)]
    stored = admin.data(UPSERT_IDS, {"in": items})["upsertEntities"]
    ids = [s["id"] for s in stored]
    for start in range(0, len(edges), LINK_MANY):
        batch = edges[start : start + LINK_MANY]
        fields = " ".join(
            f'e{n}: linkLineage(sourceId: "{ids[s]}", targetId: "{ids[t]}") {{ type }}' for n, (s, t) in enumerate(batch)
        )
        admin.data(f"mutation {{ {fields} }}")
    return ids


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(graph=dags(), data=st.data())
def test_lineage_and_impact_match_a_breadth_first_search(admin, graph, data):
    kind, size, edges = graph
    ids = build(admin, kind, size, edges)
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    root = data.draw(st.integers(min_value=0, max_value=size - 1), label="root")
    depth = data.draw(st.integers(min_value=0, max_value=6), label="depth")

    for direction in ("DOWNSTREAM", "UPSTREAM", "BOTH"):
        expected = distances(edges, root, direction, depth)
        found = admin.data(LINEAGE, {"id": ids[root], "direction": direction, "depth": depth})["lineage"]
        got = {index[n["id"]]: n["distance"] for n in found["nodes"]}
        assert len(got) == len(found["nodes"])
        assert got == expected, direction
        assert found["truncated"] is False
        among = {(index[e["source"]], index[e["target"]]) for e in found["edges"]}
        assert len(among) == len(found["edges"])
        assert among == {(s, t) for s, t in edges if s in expected and t in expected}

    # maxNodes keeps the nearest: whatever ties it cuts, nothing nearer than the farthest kept is left out.
    direction = data.draw(st.sampled_from(["DOWNSTREAM", "UPSTREAM", "BOTH"]), label="truncated direction")
    max_nodes = data.draw(st.integers(min_value=1, max_value=size), label="maxNodes")
    expected = distances(edges, root, direction, 50)
    variables = {"id": ids[root], "direction": direction, "depth": 50, "maxNodes": max_nodes}
    found = admin.data(LINEAGE, variables)["lineage"]
    got = {index[n["id"]]: n["distance"] for n in found["nodes"]}
    assert len(got) == min(max_nodes, len(expected))
    assert all(expected.get(n) == d for n, d in got.items())
    assert {n for n, d in expected.items() if d < max(got.values())} <= set(got)
    assert found["truncated"] is (len(expected) > max_nodes)

    downstream = distances(edges, root, "DOWNSTREAM", depth)
    del downstream[root]
    impact = admin.data(IMPACT, {"id": ids[root], "depth": depth})["impact"]
    assert {index[n["id"]]: n["distance"] for n in impact["entities"]} == downstream
    assert impact["total"] == len(downstream)
    assert {c["type"]: c["count"] for c in impact["byType"]} == Counter(entity_type(kind, n) for n in downstream)
    assert impact["truncated"] is False
