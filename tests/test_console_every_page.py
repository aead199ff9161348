"""Every page of the console (parts 1 and 2), for every role, on the demo graph (tests/console_story.py:
services/demo.py with PII on crm.customers): each page renders (no placeholder, no endless loading, no
error message, not the not-found page for an id that exists), the audit and admin pages show the
refusal page to roles that may not use them, the navigation shows exactly the pages the role may use,
and the browser sees no console error, no page error and no unexpected HTTP status on any of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from .browser import Console, Session, console  # noqa: F401 (the fixture)
from .console_sessions import browser_as, sessions  # noqa: F401 (the fixtures)
from .console_story import Story, load_story

ROLES = ["admin", "governance-reviewer", "data-engineer", "data-scientist", "viewer"]
OVERSEERS = {"admin", "governance-reviewer"}  # audit:read and principals:read (policies/policy.csv)
EVERYONE_NAV = ["search", "classifications", "experiments", "models", "promotions", "deployments", "graphiql"]
FIRST = "query($t: [EntityType!]) { search(types: $t, first: 2) { edges { node { id } } } }"


@dataclass(frozen=True)
class Visit:
    path: str
    root: str  # the data-testid the page shows once it has rendered
    refused_unless_overseer: bool = False


def _ids(console: Console, entity_type: str) -> list[str]:  # noqa: F811
    edges = console.graphql(FIRST, {"t": [entity_type]})["search"]["edges"]
    assert edges, f"the demo graph has no {entity_type}"
    return [edge["node"]["id"] for edge in edges]


def _path(prefix: str, entity_id: str, tail: str = "") -> str:
    return f"{prefix}/{quote(entity_id, safe='')}{tail}"


@pytest.fixture(scope="module")
def visits(console: Console) -> list[Visit]:  # noqa: F811
    story: Story = load_story(console)
    sessions_id = story.sessions["id"]
    experiment, model, deployment = (_ids(console, t)[0] for t in ("EXPERIMENT", "MODEL", "DEPLOYMENT"))
    runs = _ids(console, "RUN")
    return [
        Visit("/search", "search-input"),
        Visit("/search?q=sessions", "search-total"),
        Visit(_path("/entities", sessions_id), "entity-page"),
        Visit(_path("/entities", sessions_id, "/lineage"), "lineage-explorer"),
        Visit(_path("/entities", sessions_id, "/impact"), "impact-page"),
        Visit("/classifications", "classification-defs"),
        Visit("/classifications/PII", "classification-page"),
        Visit("/experiments", "experiments-page"),
        Visit(_path("/experiments", experiment), "experiment-page"),
        Visit(_path("/runs", runs[0]), "run-page"),
        Visit("/runs/compare?ids=" + ",".join(quote(r, safe="") for r in runs), "compare-page"),
        Visit("/models", "models-page"),
        Visit(_path("/models", model), "model-page"),
        Visit("/promotions", "promotions-page"),
        Visit("/deployments", "deployments-page"),
        Visit(_path("/deployments", deployment), "deployment-page"),
        Visit("/audit", "audit-page", refused_unless_overseer=True),
        Visit("/admin/principals", "principals-page", refused_unless_overseer=True),
    ]


@pytest.fixture(scope="module")
def graph(visits: list[Visit]) -> list[Visit]:
    return visits


def _settled(page: Page) -> None:
    """The page's requests are done and nothing says it is still loading."""
    page.wait_for_load_state("networkidle")
    expect(page.locator('.loading, [aria-busy="true"]')).to_have_count(0)


def _appears(page: Page, test_id: str) -> bool:
    try:
        expect(page.get_by_test_id(test_id).first).to_be_visible()
    except AssertionError:
        return False
    return True


def _shown_problems(page: Page, visit: Visit, role: str) -> list[str]:
    refused_here = visit.refused_unless_overseer and role not in OVERSEERS
    wanted, unwanted = ("refused", visit.root) if refused_here else (visit.root, "refused")
    problems = [] if _appears(page, wanted) else [f"{wanted} is not shown"]
    _settled(page)
    for test_id in [unwanted, "page-pending", "not-found", "action-error"]:
        if page.get_by_test_id(test_id).count():
            problems.append(f"{test_id} is shown: {page.get_by_test_id(test_id).first.inner_text()[:200]!r}")
    if page.locator('[role="alert"]').count():
        problems.append(f"an alert: {page.locator('[role=alert]').first.inner_text()[:200]!r}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_the_role_without_an_error(
    visits: list[Visit], browser_as: Callable[[str], Session], role: str  # noqa: F811
) -> None:
    session = browser_as(role)
    found: dict[str, list[str]] = {}
    for visit in visits:
        session.recorder.reset()
        page = session.goto(visit.path)
        problems = _shown_problems(page, visit, role) + session.recorder.problems()
        if problems:
            found[visit.path] = problems
    assert not found, f"{role}:\n" + "\n".join(f"{path}: {p}" for path, ps in found.items() for p in ps)


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_shows_exactly_what_the_role_may_use(browser_as: Callable[[str], Session], visits, role: str) -> None:  # noqa: F811
    page = browser_as(role).goto("/search")
    expected = EVERYONE_NAV + (["audit", "admin"] if role in OVERSEERS else [])
    nav = page.get_by_test_id("nav")
    expect(nav.locator('[data-testid^="nav-"]')).to_have_count(len(expected))
    shown = nav.locator('[data-testid^="nav-"]').evaluate_all("links => links.map(a => a.dataset.testid.slice(4))")
    assert sorted(shown) == sorted(expected)
    for name in expected:
        if name != "graphiql":  # a full page of its own, visited below
            page.get_by_test_id(f"nav-{name}").click()
            expect(page.get_by_test_id("topbar")).to_be_visible()
            _settled(page)


@pytest.mark.parametrize("role", ROLES)
def test_graphiql_opens_signed_in(browser_as: Callable[[str], Session], visits, role: str) -> None:  # noqa: F811
    session = browser_as(role)
    page = session.goto("/search")
    page.get_by_test_id("nav-graphiql").click()
    page.wait_for_url("**/graphql")
    expect(page.get_by_test_id("principal-name")).not_to_be_empty()
    page.wait_for_load_state("networkidle")
