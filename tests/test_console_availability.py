"""Neo4j going away under a signed-in console: the banner "Neo4j is unavailable, retrying" appears
while the app keeps retrying, and goes away by itself (with the answer drawn) once Neo4j is back. The
server here is the app's own instance with its Neo4j behind a TCP proxy the test cuts and restores
(tests/tcp_proxy.py), so the session's shared live server is never taken down."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest
from playwright.sync_api import expect

from provgraph.api.app import create_app
from provgraph.config import Settings

from .browser import Console, Session, console  # noqa: F401 (the fixture)
from .live_server import serving
from .support import ADMIN_TOKEN
from .tcp_proxy import TcpProxy

UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id } }"


@pytest.fixture(scope="module")
def proxied(console: Console, settings: Settings) -> Iterator[tuple[str, TcpProxy]]:  # noqa: F811
    """A server of its own whose Neo4j (the session's) is reached through the proxy."""
    console.reset_graph()
    console.graphql(UPSERT, {"in": [{"type": "DATASET", "qualifiedName": "test://uptime", "name": "uptime_table"}]})
    target = urlparse(settings.neo4j_uri)
    proxy = TcpProxy(target.hostname, target.port)
    app = create_app(settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{proxy.port}"}))
    try:
        with serving(app) as url:
            # Its first search is cold (plans, caches): answered once here, not in the browser's time.
            warm = httpx.post(f"{url}/graphql", json={"query": '{ search(text: "uptime_table") { totalCount } }'},
                              headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=300)
            assert warm.json()["data"]["search"]["totalCount"] == 1, warm.text
            yield url, proxy
    finally:
        proxy.close()


def test_the_banner_shows_while_neo4j_is_down_and_goes_when_it_is_back(console: Console, proxied) -> None:  # noqa: F811
    url, proxy = proxied
    session = Session(console.browser.new_context(), url)
    try:
        session.sign_in(ADMIN_TOKEN)
        page = session.goto("/search?q=uptime_table")
        expect(page.get_by_test_id("search-total")).to_have_text(re.compile(r"^1 result"))
        banner = page.get_by_test_id("unavailable-banner")
        expect(banner).to_have_count(0)

        proxy.cut()
        session.recorder.expect(503, "/graphql")  # what the server answers while Neo4j is away
        page.get_by_role("searchbox", name="Search").fill("nothing_like_it")  # a new search, in the page
        expect(banner).to_be_visible()
        expect(banner).to_have_text("Neo4j is unavailable, retrying")
        expect(banner).to_have_attribute("role", "status")
        assert page.get_by_test_id("not-found").count() == 0  # an outage is not a missing page

        proxy.restore()
        expect(banner).to_have_count(0)  # a retry got through, nobody reloaded
        expect(page).to_have_url(re.compile(r"[?&]q=nothing_like_it$"))
        expect(page.get_by_test_id("search-total")).to_have_text(re.compile(r"^0 results"))
        assert any(r.status == 503 and r.url.endswith("/graphql") for r in session.recorder.responses), "no request met the outage"
        session.recorder.check()
    finally:
        session.close()
