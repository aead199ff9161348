"""The console's audit browser and access administration in Chromium, on the console story's graph
(tests/console_story.py):

- the audit browser filters by principal (the filter in the URL), links an event to its entity, and its
  chain panel shows the chain verified; after the test edits an event in Neo4j it names that event as
  the first broken one (and GraphQL agrees);
- an admin creates a principal: its token is shown once (gone after a reload) and works over GraphQL;
  rotating shows a new one and ends the old; deactivating (confirmed) ends it; a role granted and
  revoked from the form, a classification defined, each checked over GraphQL;
- a governance reviewer reads principals, grants and definitions without a form;
- a viewer who opens /admin/principals or /audit gets the refusal page, and no byte of another
  principal's name or of an audit event reaches its browser (every response body scanned; the same
  scan finds them in the admin's).

Every test ends with the recorder's check (no unexpected response, no console error)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page, expect

from .browser import Console, Session, console  # noqa: F401 (the fixture)
from .console_sessions import browser_as, sessions  # noqa: F401 (the fixtures)
from .console_story import CLASSIFY, Story, entity, load_story

SUBJECT = "zelda-audited"  # a principal whose every trace is audit data a viewer must never receive
AUDIT_OF = """query($p: String!, $first: Int!) { auditEvents(principal: $p, first: $first) {
  totalCount edges { node { seq action resourceId resourceIds hash prevHash } } } }"""
CHAIN = "{ auditChain { ok verifiedThroughSeq headHash firstBrokenSeq message } }"
ME = "{ me { name roles } }"


@dataclass(frozen=True)
class Audited:
    story: Story
    events: list[dict]  # the subject's audit events, newest first


def _events_of(console: Console, principal: str) -> list[dict]:  # noqa: F811
    return console.graphql(AUDIT_OF, {"p": principal, "first": 100})["auditEvents"]["edges"]


@pytest.fixture(scope="module")
def audited(console: Console) -> Audited:  # noqa: F811
    story = load_story(console)
    # Two more PII datasets: a search for them all answers the subject (cleared) three restricted
    # datasets, which the audit records as one grouped event listing them.
    console.graphql(CLASSIFY, {"id": story.sessions_table["id"], "n": "PII"})
    clickstream = entity(console, "DATASET", "s3://acme-lake/raw/clickstream")
    console.graphql(CLASSIFY, {"id": clickstream["id"], "n": "PII"})
    token = console.token_for("governance-reviewer", SUBJECT)
    console.graphql(
        "{ search(types: [DATASET], classification: \"PII\") { edges { node { id } } } }", token=token
    )
    console.graphql("query($id: ID!) { entity(id: $id) { id } }", {"id": story.sessions["id"]}, token=token)
    events = [edge["node"] for edge in _events_of(console, SUBJECT)]
    # Its reads: the search (a grouped event listing what it found) and the one entity.
    assert story.sessions["id"] in {e["resourceId"] for e in events}, events
    assert any(e["resourceIds"] for e in events), events
    return Audited(story, events)


@pytest.fixture(scope="module")
def graph(audited: Audited) -> Audited:
    return audited


def _shot(page: Page, name: str) -> None:
    """With PROVGRAPH_SCREENSHOTS=<dir>, keeps a picture of the page for a person to look at."""
    folder = os.environ.get("PROVGRAPH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _rows(page: Page):
    return page.locator('[data-testid="audit-events"] tbody tr')


def _broken_row(page: Page, seq: int):
    """The table's one row marked as where the chain breaks: event `seq`, badged and explained."""
    marked = page.locator('[data-testid="audit-events"] tbody tr[data-broken="true"]')
    expect(marked).to_have_count(1)
    expect(marked).to_have_attribute("data-testid", f"audit-event-{seq}")
    expect(marked).to_have_class(re.compile(r"\badm-broken\b"))
    expect(marked.get_by_test_id("audit-broken-badge")).to_have_text("chain breaks here")
    expect(marked).to_have_accessible_description("chain breaks here")
    expect(marked).to_have_attribute("title", re.compile(r"verified up to the event before this one: .+"))
    return marked


def _stored_hash(console: Console, seq: int) -> str:  # noqa: F811
    [row] = console.cypher("MATCH (e:AuditEvent {seq: $seq}) RETURN e.hash AS hash", seq=seq)
    return row["hash"]


def test_the_audit_browser_filters_by_principal_and_shows_the_chain_verified(
    console: Console, audited: Audited, browser_as: Callable[[str], Session]  # noqa: F811
) -> None:
    page = browser_as("admin").goto("/audit")
    expect(page.get_by_test_id("audit-events")).to_be_visible()
    page.get_by_test_id("audit-filter-principal").fill(SUBJECT)
    page.get_by_test_id("audit-apply").click()
    expect(page).to_have_url(re.compile(rf"/audit\?principal={SUBJECT}$"))
    rows = _rows(page)
    expect(rows).to_have_count(len(audited.events))
    expect(page.locator(f'[data-testid="audit-events"] tbody tr:not([data-principal="{SUBJECT}"])')).to_have_count(0)
    expect(page.get_by_test_id("audit-total")).to_have_text(f"{len(audited.events)} events")
    newest_first = [int(seq) for seq in rows.locator("td:first-child").all_inner_texts()]
    assert newest_first == [e["seq"] for e in audited.events]

    # An event about one entity links to it; a grouped read lists its entities once opened.
    single = next(e for e in audited.events if e["resourceId"] == audited.story.sessions["id"])
    link = page.get_by_test_id(f"audit-resource-{single['seq']}")
    expect(link).to_have_attribute("href", f"/entities/{quote(single['resourceId'], safe='')}")
    grouped = next(e for e in audited.events if e["resourceIds"])
    page.get_by_test_id(f"audit-expand-{grouped['seq']}").click()
    first_id = grouped["resourceIds"][0]
    listed = page.get_by_test_id(f"audit-entity-{grouped['seq']}-{first_id}")
    expect(listed.locator("a")).to_have_attribute("href", f"/entities/{quote(first_id, safe='')}")
    expect(listed.locator("a")).not_to_have_text(first_id)  # named, not just an id

    chain = page.get_by_test_id("audit-chain")
    expect(chain).to_have_attribute("data-state", "ok")
    through = int(page.get_by_test_id("audit-chain-seq").inner_text())
    assert through >= newest_first[0]
    expect(page.get_by_test_id("audit-chain-head")).to_have_text(_stored_hash(console, through))
    _shot(page, "audit-filtered")

    # The filter survives a reload (it lives in the URL); Clear goes back to everything.
    page.reload()
    expect(page.get_by_test_id("audit-filter-principal")).to_have_value(SUBJECT)
    expect(rows).to_have_count(len(audited.events))
    page.get_by_test_id("audit-clear").click()
    expect(page).to_have_url(re.compile(r"/audit$"))
    expect(page.locator(f'[data-testid="audit-events"] tbody tr:not([data-principal="{SUBJECT}"])').first).to_be_visible()


def test_the_audit_browser_pages_by_keyset(console: Console, audited: Audited, browser_as: Callable[[str], Session]) -> None:  # noqa: F811
    page = browser_as("admin").goto("/audit")
    rows = _rows(page)
    expect(rows).to_have_count(50)  # the story alone writes far more than a page
    first_page = rows.locator("td:first-child").all_inner_texts()
    page.get_by_test_id("audit-older").click()
    expect(page).to_have_url(re.compile(r"/audit\?after="))
    expect(rows.first.locator("td").first).not_to_have_text(first_page[0])
    second_first = int(rows.first.locator("td").first.inner_text())
    assert second_first < int(first_page[-1])  # older, with nothing skipped between the pages' ends
    page.get_by_test_id("audit-newer").click()
    expect(page).to_have_url(re.compile(r"/audit$"))


def test_a_tampered_event_is_shown_as_the_first_broken_one(
    console: Console, audited: Audited, browser_as: Callable[[str], Session]  # noqa: F811
) -> None:
    target = audited.events[-1]  # the subject's oldest event
    [original] = console.cypher("MATCH (e:AuditEvent {seq: $seq}) RETURN e.action AS action", seq=target["seq"])
    page = browser_as("governance-reviewer").goto(f"/audit?principal={SUBJECT}")
    expect(page.get_by_test_id("audit-chain")).to_have_attribute("data-state", "ok")
    console.cypher("MATCH (e:AuditEvent {seq: $seq}) SET e.action = 'export'", seq=target["seq"])
    try:
        page.get_by_test_id("audit-chain-verify").click()
        expect(page.get_by_test_id("audit-chain")).to_have_attribute("data-state", "broken")
        expect(page.get_by_test_id("audit-chain-broken-seq")).to_have_text(str(target["seq"]))
        expect(page.get_by_test_id("audit-chain-message")).not_to_be_empty()
        # The table marks that event's row, and only it; the panel's seq scrolls to it.
        row = _broken_row(page, target["seq"])
        page.get_by_test_id("audit-chain-broken-seq").click()
        expect(row).to_be_in_viewport()
        expect(row).to_be_focused()
        _shot(page, "audit-chain-broken")
        check = console.graphql(CHAIN)["auditChain"]
        assert (check["ok"], check["firstBrokenSeq"], check["verifiedThroughSeq"]) == (False, target["seq"], target["seq"] - 1)
        # Read again, the row shows what is stored now (the edited action), and the panel still names it.
        page.reload()
        expect(page.get_by_test_id(f"audit-event-{target['seq']}")).to_have_attribute("data-action", "export")
        expect(page.get_by_test_id("audit-chain-broken-seq")).to_have_text(str(target["seq"]))
        _broken_row(page, target["seq"])

        # From a page without it (a filter the event does not match), the seq opens the whole log from
        # that event down: the filter is dropped, the page cursor set, and the marked row comes first.
        page = browser_as("governance-reviewer").goto("/audit?action=verify-audit-chain")
        expect(page.get_by_test_id("audit-chain-broken-seq")).to_have_text(str(target["seq"]))
        expect(page.get_by_test_id(f"audit-event-{target['seq']}")).to_have_count(0)
        page.get_by_test_id("audit-chain-broken-seq").click()
        expect(page).to_have_url(re.compile(r"/audit\?after=[^&]+$"))
        expect(page.get_by_test_id("audit-filter-action")).to_have_value("")
        row = _broken_row(page, target["seq"])
        expect(_rows(page).first).to_have_attribute("data-testid", f"audit-event-{target['seq']}")
        expect(row).to_be_in_viewport()
    finally:
        console.cypher("MATCH (e:AuditEvent {seq: $seq}) SET e.action = $action", seq=target["seq"], action=original["action"])
    page.get_by_test_id("audit-chain-verify").click()
    expect(page.get_by_test_id("audit-chain")).to_have_attribute("data-state", "ok")
    expect(page.locator('[data-testid="audit-events"] tbody tr[data-broken]')).to_have_count(0)


def _status(console: Console, token: str) -> int:  # noqa: F811
    return httpx.post(console.url + "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}).status_code


def _listed(console: Console) -> dict[str, dict]:  # noqa: F811
    edges = console.graphql("{ principals(first: 100) { edges { node { name roles active } } } }")["principals"]["edges"]
    return {edge["node"]["name"]: edge["node"] for edge in edges}


def _shown_token(page: Page, previous: str | None = None) -> str:
    panel = page.get_by_test_id("token-panel")
    expect(panel).to_be_visible()
    value = page.get_by_test_id("token-value")
    if previous:
        expect(value).not_to_have_text(previous)
    return value.inner_text().strip()


def test_an_admin_creates_a_principal_and_its_token_is_shown_once(
    console: Console, audited: Audited, browser_as: Callable[[str], Session]  # noqa: F811
) -> None:
    name = "pat-newcomer"
    page = browser_as("admin").goto("/admin/principals")
    page.get_by_test_id("create-principal-name").fill(name)
    page.get_by_test_id("create-principal-role-data-engineer").check()  # viewer is ticked already
    page.get_by_test_id("create-principal-submit").click()
    token = _shown_token(page)
    expect(page.get_by_test_id(f"principal-{name}")).to_contain_text("data-engineer")
    _shot(page, "principal-created")
    me = console.graphql(ME, token=token)["me"]
    assert (me["name"], sorted(me["roles"])) == (name, ["data-engineer", "viewer"])

    page.reload()
    expect(page.get_by_test_id(f"principal-{name}")).to_be_visible()
    expect(page.get_by_test_id("token-panel")).to_have_count(0)
    assert token not in page.content()
    page.get_by_test_id("nav-search").click()
    page.get_by_test_id("nav-admin").click()
    expect(page.get_by_test_id(f"principal-{name}")).to_be_visible()
    expect(page.get_by_test_id("token-panel")).to_have_count(0)

    page.get_by_test_id(f"rotate-{name}").click()
    rotated = _shown_token(page, previous=token)
    assert _status(console, token) == 401
    assert console.graphql(ME, token=rotated)["me"]["name"] == name

    # A role granted from the form (it joins the principal's roles), then revoked with the same arguments.
    page.get_by_test_id("grant-principal").fill(name)
    page.get_by_test_id("grant-kind").select_option("role")
    page.get_by_test_id("grant-role").select_option("data-scientist")
    page.get_by_test_id("grant-submit").click()
    expect(page.get_by_test_id("grant-outcome")).to_have_text("Granted.")
    expect(page.get_by_test_id(f"principal-{name}")).to_contain_text("data-scientist")
    assert "data-scientist" in _listed(console)[name]["roles"]
    page.get_by_test_id("revoke-submit").click()
    expect(page.get_by_test_id("grant-outcome")).to_have_text("Revoked.")
    expect(page.get_by_test_id(f"principal-{name}")).not_to_contain_text("data-scientist")
    assert sorted(_listed(console)[name]["roles"]) == ["data-engineer", "viewer"]

    # An instance grant on one entity, listed, and revoked from its row.
    page.get_by_test_id("grant-kind").select_option("entity")
    page.get_by_test_id("grant-action").select_option("write")
    page.get_by_test_id("grant-entity").fill(audited.story.sessions["id"])
    page.get_by_test_id("grant-submit").click()
    expect(page.get_by_test_id("grant-outcome")).to_have_text("Granted.")
    key = f"{name}|write|{audited.story.sessions['id']}|"
    expect(page.get_by_test_id(f"grant-{key}")).to_contain_text("write on")
    page.get_by_test_id(f"revoke-{key}").click()
    expect(page.get_by_test_id(f"grant-{key}")).to_have_count(0)
    grants_of = "query($p: String) { grants(principal: $p) { action entityId classification } }"
    assert console.graphql(grants_of, {"p": name})["grants"] == []

    # A classification defined from the form.
    page.get_by_test_id("define-name").fill("EXPORT_CONTROLLED")
    page.get_by_test_id("define-description").fill("Dual-use technical data")
    page.get_by_test_id("define-restricted").check()
    page.get_by_test_id("define-submit").click()
    expect(page.get_by_test_id("definition-EXPORT_CONTROLLED")).to_contain_text("restricted")
    defs = console.graphql("{ classificationDefs { name restricted propagate } }")["classificationDefs"]
    assert {"name": "EXPORT_CONTROLLED", "restricted": True, "propagate": True} in defs

    # Deactivation asks first; then the token stops working.
    page.get_by_test_id(f"deactivate-{name}").click()
    expect(page.get_by_test_id(f"deactivate-confirm-{name}")).to_be_visible()
    page.get_by_test_id(f"deactivate-yes-{name}").click()
    expect(page.get_by_test_id(f"principal-status-{name}")).to_have_text("deactivated")
    assert _status(console, rotated) == 401
    assert _listed(console)[name]["active"] is False


def test_a_governance_reviewer_reads_access_without_forms(audited: Audited, browser_as: Callable[[str], Session]) -> None:  # noqa: F811
    page = browser_as("governance-reviewer").goto("/admin/principals")
    expect(page.get_by_test_id(f"principal-{SUBJECT}")).to_contain_text("governance-reviewer")
    expect(page.get_by_test_id("grants")).to_be_visible()
    expect(page.get_by_test_id("definition-PII")).to_be_visible()
    for form in ["create-principal", "grant-form", "define-classification", f"rotate-{SUBJECT}", f"deactivate-{SUBJECT}"]:
        expect(page.get_by_test_id(form)).to_have_count(0)
    expect(page.get_by_test_id("nav-audit")).to_be_visible()
    expect(page.get_by_test_id("nav-admin")).to_be_visible()


def test_a_viewer_is_refused_and_receives_no_principal_and_no_audit_event(
    console: Console, audited: Audited, browser_as: Callable[[str], Session]  # noqa: F811
) -> None:
    secrets = [SUBJECT] + [e["hash"] for e in audited.events]
    viewer = console.signed_in("viewer", "vic-viewer")  # a browser of its own: its bodies are only these pages'
    try:
        nav = viewer.page.get_by_test_id("nav")
        expect(nav.get_by_test_id("nav-deployments")).to_be_visible()
        expect(nav.get_by_test_id("nav-audit")).to_have_count(0)
        expect(nav.get_by_test_id("nav-admin")).to_have_count(0)
        for path in ["/admin/principals", f"/audit?principal={SUBJECT}"]:
            page = viewer.goto(path)
            expect(page.get_by_test_id("refused")).to_be_visible()
            expect(page.get_by_test_id("principals")).to_have_count(0)
            expect(page.get_by_test_id("audit-events")).to_have_count(0)
            expect(page.get_by_test_id("audit-chain")).to_have_count(0)
        _shot(page, "audit-refused")
        # The server refused (the page did ask), and said FORBIDDEN.
        refused = [r for r in viewer.recorder.responses if r.url.endswith("/graphql") and b'"FORBIDDEN"' in r.body]
        assert len(refused) >= 2, [r.url for r in viewer.recorder.responses]
        for secret in secrets:
            assert viewer.recorder.bodies_containing(secret) == [], f"{secret} reached the viewer"
        viewer.recorder.check()
    finally:
        viewer.close()

    # The same scan finds every one of them where they are allowed: in the admin's browser.
    admin = browser_as("admin")
    page = admin.goto("/admin/principals")
    expect(page.get_by_test_id(f"principal-{SUBJECT}")).to_be_visible()
    page = admin.goto(f"/audit?principal={SUBJECT}")
    expect(_rows(page)).to_have_count(len(audited.events))
    for secret in secrets:
        assert admin.recorder.bodies_containing(secret), f"the scan cannot find {secret} even where it was sent"
