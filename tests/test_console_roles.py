"""The console in Chromium, per role (admin, data-engineer, viewer), on the demo graph with PII
(tests/console_story.py): sign in through the form, search, an entity page, lineage opened from a URL,
an expansion and a collapse, the three exports. A principal without clearance sees the restricted
entity as a hatched placeholder, and no byte of its name, qualifiedName, id or owners reaches its
browser in any response (HTML, JS, JSON: every body is recorded and scanned). Every page: no console
error, no page error, no unexpected HTTP status.

One graph and one sign-in per role for the whole module."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .browser import Console, console  # noqa: F401 (the fixture)
from .console_sessions import browser_as, sessions  # noqa: F401 (the fixtures)
from .console_story import Story, entity, load_story
from .support import ADMIN_TOKEN

ROLES = ["admin", "data-engineer", "viewer"]
UNCLEARED = ["data-engineer", "viewer"]  # neither may read PII (policies/policy.csv)
EXPLORER = '[data-testid="lineage-explorer"]'


@pytest.fixture(scope="module")
def story(console: Console) -> Story:  # noqa: F811
    return load_story(console)


@pytest.fixture(scope="module")
def graph(story: Story) -> Story:
    """The graph the module's sign-ins wait for (console_sessions)."""
    return story


def ready(page: Page, nodes: int) -> None:
    """The explorer has laid out and drawn `nodes` visible nodes."""
    explorer = page.locator(EXPLORER)
    expect(explorer).to_have_attribute("data-node-count", str(nodes))
    expect(explorer).to_have_attribute("data-state", "ready")


def node(page: Page, entity_id: str):
    return page.get_by_test_id(f"lineage-node-{entity_id}")


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_an_entity_and_opens_its_page(browser_as, story: Story, role: str) -> None:
    session = browser_as(role)
    page = session.goto("/search")
    box = page.get_by_role("searchbox", name="Search")
    box.fill("sessions_clean")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=sessions_clean"))
    table = story.sessions_table
    result = page.get_by_test_id(f"search-result-{table['id']}")
    expect(result).to_be_visible()
    expect(page.get_by_test_id("search-total")).to_have_text(re.compile(r"^2 results"))  # the dataset and its version
    result.click()

    expect(page).to_have_url(re.compile(re.escape(f"/entities/{table['id']}") + "$"))
    expect(page.get_by_test_id("entity-name")).to_have_text("sessions_clean")
    expect(page.get_by_test_id("entity-qualified-name")).to_have_text(table["qualifiedName"])
    expect(page.get_by_test_id("entity-owners")).to_contain_text("data-eng")
    expect(page.get_by_test_id("entity-type")).to_contain_text("Dataset")
    expect(page.get_by_test_id("entity-description")).to_contain_text("Sessionized")
    expect(page.get_by_role("tab", name="Lineage")).to_be_visible()
    report = page.get_by_test_id("report-download-md")
    expect(report).to_have_attribute("href", f"/api/v1/reports/provenance/{table['id']}?format=md")


def searched_text(request) -> str | None:
    """The text a request from the search page searched for (None for any other request)."""
    body = json.loads(request.post_data or "null") if request.method == "POST" else None
    if not isinstance(body, dict) or "query Search(" not in body.get("query", ""):
        return None
    return body["variables"]["text"]


def test_search_runs_as_you_type_and_drops_a_stale_answer(browser_as, story: Story) -> None:
    """No Enter: a pause in typing runs the search and the URL follows, replacing its history entry
    rather than pushing one per keystroke. A search overtaken by newer typing is cancelled, and its
    answer, even when it would arrive last, is never shown."""
    session = browser_as("admin")
    page = session.goto("/search")
    box = page.get_by_role("searchbox", name="Search")
    expect(page.get_by_test_id("search-total")).to_be_visible()  # the empty search's answer
    history = page.evaluate("history.length")

    held: list = []  # the search for "sessions", held until the newer search has been answered

    def hold_stale(route) -> None:
        if searched_text(route.request) == "sessions":
            held.append(route)
        else:
            route.continue_()

    cancelled: list[str | None] = []
    page.on("requestfailed", lambda request: cancelled.append(searched_text(request)))
    page.route("**/graphql", hold_stale)
    try:
        box.press_sequentially("sessions", delay=40)
        expect(page).to_have_url(re.compile(r"[?&]q=sessions$"))  # the pause ran it (its request is held)
        for _ in range(200):
            if held:
                break
            page.wait_for_timeout(50)
        assert len(held) == 1, "the pause did not send a search"
        box.press_sequentially("_clean", delay=40)
        expect(page).to_have_url(re.compile(r"[?&]q=sessions_clean$"))
        table = story.sessions_table
        expect(page.get_by_test_id(f"search-result-{table['id']}")).to_be_visible()
        expect(page.get_by_test_id("search-total")).to_have_text(re.compile(r"^2 results"))
        for _ in range(200):
            if "sessions" in cancelled:
                break
            page.wait_for_timeout(50)
        assert "sessions" in cancelled, "the overtaken search was not cancelled"
        with contextlib.suppress(Exception):  # cancelled, so there is nothing left to answer
            held[0].continue_()
        page.wait_for_timeout(300)
        expect(page.get_by_test_id("search-total")).to_have_text(re.compile(r"^2 results"))
    finally:
        page.unroute("**/graphql")
    assert page.evaluate("history.length") == history, "typing pushed history entries"
    assert box.input_value() == "sessions_clean"


@pytest.mark.parametrize("role", ROLES)
def test_the_restricted_entity_page_is_shown_only_to_the_cleared(browser_as, story: Story, role: str) -> None:
    session = browser_as(role)
    page = session.goto(f"/entities/{story.customers['id']}")
    if role in UNCLEARED:
        expect(page.get_by_test_id("not-found")).to_be_visible()
        expect(page.get_by_test_id("entity-page")).to_have_count(0)
    else:
        expect(page.get_by_test_id("entity-name")).to_have_text("crm.customers")
        pii = page.get_by_test_id("classification-PII")
        expect(pii).to_be_visible()
        expect(pii).to_have_attribute("data-propagated", "false")


@pytest.mark.parametrize("role", ROLES)
def test_lineage_opens_from_its_url_expands_and_collapses(browser_as, story: Story, role: str) -> None:
    session = browser_as(role)
    sessions, run = story.sessions["id"], story.sessionize["id"]
    page = session.goto(f"/entities/{sessions}/lineage?direction=UPSTREAM&depth=1")
    ready(page, 2)
    expect(node(page, sessions)).to_have_attribute("data-root", "true")
    expect(node(page, run)).to_contain_text("sessionize 2026-11-01")
    expect(page.locator('[data-restricted="true"]')).to_have_count(0)

    page.get_by_test_id(f"expand-upstream-{run}").click()
    ready(page, 4)  # + raw clickstream@2026-11-01 and crm.customers
    expect(node(page, story.clickstream["id"])).to_be_visible()
    if role in UNCLEARED:
        placeholder = page.locator('[data-restricted="true"]')
        expect(placeholder).to_have_count(1)
        expect(placeholder).to_contain_text("Dataset")
        expect(placeholder).to_contain_text("Restricted")
        expect(page.get_by_test_id("lineage-hidden-count")).to_contain_text("1 restricted entity hidden")
        expect(page.locator(EXPLORER)).to_have_attribute("data-restricted-count", "1")
    else:
        expect(node(page, story.customers["id"])).to_contain_text("crm.customers")
        expect(page.get_by_test_id("lineage-hidden-count")).to_have_count(0)
    # The placeholder keeps its edge to the run it feeds.
    expect(page.locator(f'[data-testid^="rf__edge-"][data-testid$="->{run}"]')).to_have_count(2)

    # Dispatched rather than clicked at coordinates: the view may still be gliding to fit the expansion.
    page.get_by_test_id(f"collapse-upstream-{run}").dispatch_event("click")
    ready(page, 2)
    page.get_by_test_id(f"expand-upstream-{run}").dispatch_event("click")
    ready(page, 4)  # reversible


def _download(page: Page, test_id: str, tmp_path: Path) -> tuple[str, bytes]:
    with page.expect_download() as download_info:
        page.get_by_test_id(test_id).click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


@pytest.mark.parametrize("role", ROLES)
def test_the_view_exports_as_svg_png_and_csv(browser_as, story: Story, role: str, tmp_path: Path) -> None:
    session = browser_as(role)
    sessions, run = story.sessions["id"], story.sessionize["id"]
    page = session.goto(f"/entities/{sessions}/lineage?direction=UPSTREAM&depth=2")
    ready(page, 4)

    name, svg = _download(page, "export-svg", tmp_path)
    assert name == f"lineage-{sessions}.svg"
    text = svg.decode()
    assert text.lstrip().startswith(("<svg", "<?xml")) and text.rstrip().endswith("</svg>")
    assert "sessionize 2026-11-01" in text
    assert text.count("<path") + text.count("<line") >= 3, "the SVG must carry the edges too"

    name, png = _download(page, "export-png", tmp_path)
    assert name == f"lineage-{sessions}.png"
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 200 and height >= 100, (width, height)

    name, data = _download(page, "export-csv", tmp_path)
    assert name == f"lineage-{sessions}.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    by_type = {(row["type"], row["restricted"]) for row in rows}
    assert len(rows) == 4, rows
    assert {row["id"] for row in rows} >= {sessions, run, story.clickstream["id"]}
    assert next(row for row in rows if row["id"] == run)["name"] == "sessionize 2026-11-01"
    if role in UNCLEARED:
        [hidden] = [row for row in rows if row["restricted"] == "true"]
        assert hidden["type"] == "DATASET" and hidden["id"] == hidden["name"] == hidden["qualifiedName"] == ""
        for exported in (svg, data):
            assert not [s for s in story.secrets if s.encode() in exported]
    else:
        assert ("DATASET", "false") in by_type
        customers = next(row for row in rows if row["id"] == story.customers["id"])
        assert customers["qualifiedName"] == "postgres://crm/public.customers" and "PII" in customers["classifications"]


def test_no_byte_of_the_restricted_entity_reaches_an_uncleared_browser(browser_as, console: Console, story: Story) -> None:  # noqa: F811
    """Every response body each role's browser received in this module, plus a walk that goes looking:
    the search for it, its page, lineage and impact through it. Only the admin's may hold the secrets
    (which shows the scan finds them when they are there)."""
    run = story.sessionize["id"]
    for role in ROLES:
        session = browser_as(role)
        page = session.goto("/search?q=customers")
        expect(page.get_by_test_id("search-results")).to_be_visible()
        session.goto(f"/entities/{story.customers['id']}")
        expect(page.get_by_test_id("not-found" if role in UNCLEARED else "entity-page")).to_be_visible()
        session.goto(f"/entities/{story.features['id']}/lineage?direction=UPSTREAM&depth=4")
        expect(page.locator(EXPLORER)).to_have_attribute("data-state", "ready")
        session.goto(f"/entities/{story.clickstream['id']}/impact")
        expect(page.get_by_test_id("impact-total")).to_be_visible()
        session.goto(f"/entities/{run}/lineage?direction=BOTH&depth=3")
        expect(page.locator(EXPLORER)).to_have_attribute("data-state", "ready")
        session.goto("/classifications/PII")
        expect(page.get_by_test_id("classification-page")).to_be_visible()

        received = session.recorder.responses
        assert len(received) > 20 and any(r.url.endswith(".js") for r in received)
        leaks = {secret: session.recorder.bodies_containing(secret) for secret in story.secrets}
        if role in UNCLEARED:
            assert not any(leaks.values()), f"{role} received restricted data: {leaks}"
        else:
            assert all(leaks.values()), f"the admin's browser should have received every secret: {leaks}"


HELD_RESTRICTED = """MATCH (d:ClassificationDef {restricted: true}) WITH collect(d.name) AS restricted
MATCH (e:Entity) WHERE e.deletedAt IS NULL AND any(c IN coalesce(e.classificationNames, []) WHERE c IN restricted)
RETURN count(e) AS held"""


def test_the_cleared_and_the_uncleared_see_the_same_entity_count_but_for_the_hidden_ones(console: Console, story: Story) -> None:  # noqa: F811
    """The story's premise: what the uncleared cannot see is exactly the entities holding a restricted
    classification (PII here, SENSITIVE in the demo's console chapter), counted in the stored graph."""
    viewer = console.token_for("viewer", "viewer-count")
    search = "query { search(first: 100) { totalCount } }"
    held = console.cypher(HELD_RESTRICTED)[0]["held"]
    assert held >= 1
    assert console.graphql(search)["search"]["totalCount"] == console.graphql(search, token=viewer)["search"]["totalCount"] + held
    assert entity(console, "DATASET", "postgres://crm/public.customers")["id"] == story.customers["id"]


SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "console-lineage.png"


def test_the_readme_screenshot_of_the_explorer_on_the_demo_graph(console: Console, story: Story, tmp_path: Path) -> None:  # noqa: F811
    """Takes the README's picture: the admin's explorer around sessions_clean@2026-11-01 on the demo
    graph. Written to docs/console-lineage.png when PROVGRAPH_UPDATE_SCREENSHOT=1 (so a plain test run
    leaves the tree clean); always taken and checked."""
    session = console.new_session(viewport={"width": 1440, "height": 810}, device_scale_factor=1)
    try:
        session.sign_in(ADMIN_TOKEN)
        page = session.goto(f"/entities/{story.sessions['id']}/lineage?direction=BOTH&depth=3")
        explorer = page.locator(EXPLORER)
        expect(explorer).to_have_attribute("data-state", "ready")
        assert int(explorer.get_attribute("data-node-count") or 0) >= 8
        page.get_by_role("button", name="fit view").click()  # the whole graph in the picture
        expect(node(page, story.customers["id"])).to_be_in_viewport(ratio=1)
        expect(node(page, story.features["id"])).to_be_in_viewport(ratio=1)
        page.mouse.move(5, 5)  # no hover effects in the picture
        target = SCREENSHOT if os.environ.get("PROVGRAPH_UPDATE_SCREENSHOT") == "1" else tmp_path / SCREENSHOT.name
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))
        png = target.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (1440, 810)
        assert 20_000 < len(png) < 300_000, len(png)
        session.recorder.check()
    finally:
        session.close()
