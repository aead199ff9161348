"""Governance actions from the console: a data-engineer classifies and declassifies an entity and blocks
and unblocks a classification on a lineage edge (clicking the edge); the server's refusals are shown as
readable messages; a viewer gets no such controls and the server refuses the same mutation from the
viewer's signed-in browser. Every change is checked on the server, not just on the screen, and every
test ends with the recorder's check (console_sessions).

    raw --INPUT_TO--> etl (PIPELINE_RUN) --PRODUCED--> clean
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .browser import Console, console  # noqa: F401 (the fixture)
from .console_sessions import browser_as, sessions  # noqa: F401 (the fixtures)

UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id qualifiedName } }"
RECORD = "mutation($in: ProcessInput!) { recordProcess(input: $in) { id } }"
CLASSES = "query($id: ID!) { entity(id: $id) { classifications { name propagated } } }"
EDGE = """query($id: ID!) { lineage(id: $id, direction: DOWNSTREAM, depth: 1) { edges { source target blockedClassifications } } }"""
CLASSIFY = 'mutation($id: ID!) { classify(entityId: $id, name: "CONFIDENTIAL") { id } }'
EXPLORER = '[data-testid="lineage-explorer"]'
GRANT = "mutation($p: String!, $id: ID!) { grant(principal: $p, action: \"read\", entityId: $id) }"


@pytest.fixture(scope="module")
def graph(console: Console) -> dict[str, str]:  # noqa: F811
    console.reset_graph()
    [raw] = console.graphql(UPSERT, {"in": [{"type": "DATASET", "qualifiedName": "test://raw", "name": "raw"}]})["upsertEntities"]
    etl = console.graphql(RECORD, {"in": {
        "type": "PIPELINE_RUN", "qualifiedName": "test://etl", "name": "etl",
        "inputs": [{"id": raw["id"]}], "outputs": [{"type": "DATASET", "qualifiedName": "test://clean"}],
    }})["recordProcess"]
    [clean] = console.graphql(UPSERT, {"in": [{"type": "DATASET", "qualifiedName": "test://clean", "name": "clean"}]})["upsertEntities"]
    return {"raw": raw["id"], "etl": etl["id"], "clean": clean["id"]}


def classifications(console: Console, entity_id: str) -> dict[str, bool]:  # noqa: F811
    return {c["name"]: c["propagated"] for c in console.graphql(CLASSES, {"id": entity_id})["entity"]["classifications"]}


def blocked(console: Console, source: str, target: str) -> list[str]:  # noqa: F811
    edges = console.graphql(EDGE, {"id": source})["lineage"]["edges"]
    [edge] = [e for e in edges if e["source"] == source and e["target"] == target]
    return edge["blockedClassifications"]


def open_edge(page: Page, source: str, target: str) -> None:
    expect(page.locator(EXPLORER)).to_have_attribute("data-state", "ready")
    # A real click in the middle of the edge (a straight edge's box has no height, so Playwright's
    # element click calls it invisible); it lands on React Flow's wide interaction path.
    box = page.get_by_test_id(f"rf__edge-{source}->{target}").locator(".react-flow__edge-interaction").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_test_id("edge-panel")).to_be_visible()


def test_a_data_engineer_classifies_and_declassifies(console: Console, browser_as, graph) -> None:  # noqa: F811
    session = browser_as("data-engineer")
    page = session.goto(f"/entities/{graph['raw']}")
    page.get_by_label("Classification").select_option("CONFIDENTIAL")
    page.get_by_test_id("classify-submit").click()
    direct = page.get_by_test_id("classification-CONFIDENTIAL")
    expect(direct).to_have_attribute("data-propagated", "false")
    assert classifications(console, graph["raw"]) == {"CONFIDENTIAL": False}
    assert classifications(console, graph["clean"]) == {"CONFIDENTIAL": True}  # propagated downstream

    # A propagated copy cannot be declassified where it landed: the server says why, the page shows it.
    page = session.goto(f"/entities/{graph['clean']}")
    expect(page.get_by_test_id("classification-CONFIDENTIAL")).to_have_attribute("data-propagated", "true")
    page.get_by_test_id("declassify-CONFIDENTIAL").click()
    error = page.get_by_test_id("action-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("propagated")
    assert classifications(console, graph["clean"]) == {"CONFIDENTIAL": True}

    page = session.goto(f"/entities/{graph['raw']}")
    page.get_by_test_id("declassify-CONFIDENTIAL").click()
    expect(page.get_by_test_id("classification-CONFIDENTIAL")).to_have_count(0)
    assert classifications(console, graph["raw"]) == {}
    assert classifications(console, graph["clean"]) == {}


def test_a_data_engineer_blocks_and_unblocks_on_an_edge(console: Console, browser_as, graph) -> None:  # noqa: F811
    raw, etl, clean = graph["raw"], graph["etl"], graph["clean"]
    session = browser_as("data-engineer")
    page = session.goto(f"/entities/{raw}/lineage?direction=DOWNSTREAM&depth=2")
    open_edge(page, raw, etl)
    page.get_by_label("Classification to block").select_option("CONFIDENTIAL")
    page.get_by_test_id("edge-block").click()
    expect(page.get_by_test_id(f"edge-blocked-{raw}->{etl}")).to_contain_text("CONFIDENTIAL")
    assert blocked(console, raw, etl) == ["CONFIDENTIAL"]
    console.graphql(CLASSIFY, {"id": raw})
    assert classifications(console, clean) == {}  # the block holds

    page.get_by_test_id("edge-unblock-CONFIDENTIAL").click()  # the panel stays on the changed edge
    expect(page.get_by_test_id(f"edge-blocked-{raw}->{etl}")).to_have_count(0)
    assert blocked(console, raw, etl) == []
    assert classifications(console, clean) == {"CONFIDENTIAL": True}  # propagation resumed
    console.graphql('mutation($id: ID!) { declassify(entityId: $id, name: "CONFIDENTIAL") { id } }', {"id": raw})


def test_a_block_that_reveals_a_placeholder_redraws_it_in_place(console: Console, browser_as, graph) -> None:  # noqa: F811
    """PII on `src` reaches `run` and `out`. The data-engineer holds instance read grants on `src` and
    `run` only, so `out` is a hatched placeholder. Blocking PII on src -> run takes the propagated PII
    off `out`: the open explorer draws it as itself, without a reload; unblocking hides it again."""
    session = browser_as("data-engineer")  # its principal exists before the grants name it
    [src] = console.graphql(UPSERT, {"in": [{"type": "DATASET", "qualifiedName": "test://pii-src", "name": "pii_src"}]})["upsertEntities"]
    run = console.graphql(RECORD, {"in": {
        "type": "PIPELINE_RUN", "qualifiedName": "test://pii-run", "name": "pii_run",
        "inputs": [{"id": src["id"]}], "outputs": [{"type": "DATASET", "qualifiedName": "test://pii-out"}],
    }})["recordProcess"]
    [out] = console.graphql(UPSERT, {"in": [{"type": "DATASET", "qualifiedName": "test://pii-out", "name": "pii_out"}]})["upsertEntities"]
    console.graphql('mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }', {"id": src["id"]})
    for entity_id in (src["id"], run["id"]):
        assert console.graphql(GRANT, {"p": "data-engineer-console", "id": entity_id})["grant"]
    assert classifications(console, out["id"]) == {"PII": True}

    page = session.goto(f"/entities/{src['id']}/lineage?direction=DOWNSTREAM&depth=2")
    explorer = page.locator(EXPLORER)
    expect(explorer).to_have_attribute("data-restricted-count", "1")
    expect(page.get_by_test_id(f"lineage-node-{out['id']}")).to_have_count(0)
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    open_edge(page, src["id"], run["id"])
    page.get_by_label("Classification to block").select_option("PII")
    page.get_by_test_id("edge-block").click()
    revealed = page.get_by_test_id(f"lineage-node-{out['id']}")
    expect(revealed).to_contain_text("pii_out")
    expect(revealed).to_have_attribute("data-entity-id", out["id"])
    expect(explorer).to_have_attribute("data-restricted-count", "0")
    expect(page.get_by_test_id("lineage-hidden-count")).to_have_count(0)
    assert classifications(console, out["id"]) == {}

    page.get_by_test_id("edge-unblock-PII").click()  # the panel stays on the changed edge
    expect(page.get_by_test_id(f"lineage-node-{out['id']}")).to_have_count(0)
    expect(explorer).to_have_attribute("data-restricted-count", "1")
    expect(page.get_by_test_id("lineage-hidden-count")).to_contain_text("1 restricted entity hidden")
    assert classifications(console, out["id"]) == {"PII": True}
    assert page.evaluate("window.__sameDocument === true"), "the explorer changed by reloading the page"


def test_a_viewer_has_no_controls_and_the_server_refuses_it(console: Console, browser_as, graph) -> None:  # noqa: F811
    raw, etl = graph["raw"], graph["etl"]
    session = browser_as("viewer")
    page = session.goto(f"/entities/{raw}")
    expect(page.get_by_test_id("entity-name")).to_have_text("raw")
    expect(page.get_by_test_id("classify-submit")).to_have_count(0)
    page = session.goto(f"/entities/{raw}/lineage?direction=DOWNSTREAM&depth=2")
    open_edge(page, raw, etl)
    expect(page.get_by_test_id("edge-block")).to_have_count(0)

    # The UI hiding a control decides nothing: the same mutations from this browser, with its session,
    # are refused by the server, with a message that names what was refused.
    for mutation in (
        f'mutation {{ classify(entityId: "{raw}", name: "CONFIDENTIAL") {{ id }} }}',
        f'mutation {{ blockPropagation(sourceId: "{raw}", targetId: "{etl}", classification: "CONFIDENTIAL") {{ type }} }}',
    ):
        answer = page.evaluate(
            """(query) => fetch('/graphql', {method: 'POST', credentials: 'same-origin',
                 headers: {'Content-Type': 'application/json'}, body: JSON.stringify({query})}).then(r => r.json())""",
            mutation,
        )
        [error] = answer["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN", error
        assert "classif" in error["message"].lower(), error["message"]
    assert classifications(console, raw) == {}
    assert blocked(console, raw, etl) == []
