"""The console's entity page shows containment for every type, through Entity.container and
Entity.members: on the demo graph, user_features lists its version and its three features, the version
links back to the dataset, and a feature classified PII is neither listed nor named to a viewer (no
byte of it reaches the viewer's browser)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from provgraph.services.demo import load_demo

from .browser import Console, Session, console  # noqa: F401 (the fixture)
from .console_story import entity

CLASSIFY = 'mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }'


@pytest.fixture(scope="module")
def demo(console: Console) -> dict[str, dict]:  # noqa: F811
    console.reset_graph()
    assert console.server.call(load_demo), "the demo graph did not load into the empty store"
    found = {
        "dataset": entity(console, "DATASET", "feast://acme/user_features"),
        "version": entity(console, "DATASET_VERSION", "feast://acme/user_features@2026-11-01"),
        "churned": entity(console, "FEATURE", "feast://acme/user_features#churned"),
        "sessions": entity(console, "FEATURE", "feast://acme/user_features#sessions_7d"),
    }
    console.graphql(CLASSIFY, {"id": found["churned"]["id"]})
    return found


@pytest.fixture
def signed_in(console: Console) -> Iterator:  # noqa: F811
    opened: list[Session] = []

    def open_as(role: str) -> Session:
        session = console.signed_in(role, name=f"{role}-containment-{uuid.uuid4().hex[:8]}")
        opened.append(session)
        return session

    yield open_as
    for session in opened:
        session.recorder.check()
        session.close()


def test_a_dataset_page_lists_its_versions_and_features(signed_in, demo) -> None:
    page = signed_in("admin").goto(f"/entities/{demo['dataset']['id']}")
    section = page.get_by_test_id("containment")
    expect(section.get_by_role("heading", name="Versions")).to_be_visible()
    expect(section.get_by_role("heading", name="Features")).to_be_visible()
    expect(section.get_by_test_id("member-link")).to_have_count(4)
    expect(section).to_contain_text("churned")
    expect(section.get_by_test_id("container-link")).to_have_count(0)


def test_a_version_page_links_to_its_dataset(signed_in, demo) -> None:
    page = signed_in("viewer").goto(f"/entities/{demo['version']['id']}")
    link = page.get_by_test_id("containment").get_by_test_id("container-link")
    expect(link).to_have_text("user_features")
    link.click()
    expect(page.get_by_test_id("entity-name")).to_have_text("user_features")


def test_a_viewer_does_not_see_the_pii_feature(signed_in, demo) -> None:
    session = signed_in("viewer")
    page = session.goto(f"/entities/{demo['dataset']['id']}")
    section = page.get_by_test_id("containment")
    expect(section.get_by_test_id("member-link")).to_have_count(3)
    expect(section).to_contain_text("sessions_7d")
    expect(section).not_to_contain_text("churned")
    churned = demo["churned"]
    for secret in [churned["id"], churned["qualifiedName"]]:
        assert session.recorder.bodies_containing(secret) == [], f"{secret} reached the viewer's browser"
