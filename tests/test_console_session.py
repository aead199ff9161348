"""Sessions in the browser: a wrong token, sign-out (the old cookie is dead on the server), an expired
session (back to /login, then back to the page), a cross-site POST carrying the session cookie (refused),
GraphiQL with the session, and one not-found page for unknown routes, missing ids and hidden ids."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from .browser import Console, Session, console  # noqa: F401 (the fixture)
from .support import ADMIN_TOKEN

UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id qualifiedName } }"
CLASSIFY = "mutation($id: ID!) { classify(entityId: $id, name: \"PII\") { id } }"
DEFINITIONS = "query { classificationDefs { name } }"
CSRF_DEFINE = 'mutation { defineClassification(name: "CSRF_MADE") { name } }'


@pytest.fixture(scope="module")
def graph(console: Console) -> dict[str, str]:  # noqa: F811
    """Two datasets, one of them PII (hidden from a viewer): short name -> id."""
    console.reset_graph()
    stored = console.graphql(UPSERT, {"in": [
        {"type": "DATASET", "qualifiedName": "test://orders", "name": "orders", "owners": ["ops"]},
        {"type": "DATASET", "qualifiedName": "test://patients", "name": "patients", "owners": ["clinic"]},
    ]})["upsertEntities"]
    ids = {s["qualifiedName"].removeprefix("test://"): s["id"] for s in stored}
    console.graphql(CLASSIFY, {"id": ids["patients"]})
    return ids


@pytest.fixture
def fresh(console: Console, graph: dict[str, str]) -> Iterator[Session]:  # noqa: F811
    """A new, signed-out browser; clean unless the test said what it expects."""
    session = console.new_session()
    yield session
    try:
        session.recorder.check()
    finally:
        session.close()


def test_a_wrong_token_gets_a_clear_message_and_no_cookie(fresh: Session) -> None:
    fresh.recorder.expect(401, "/api/v1/session")
    page = fresh.goto("/login")
    page.get_by_label("Token").fill("pgt_not-a-real-token")
    page.get_by_role("button", name="Sign in").click()
    error = page.get_by_test_id("login-error")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text(re.compile("token", re.IGNORECASE))
    assert "/login" in page.url
    assert [c for c in fresh.context.cookies() if c["name"] == "provgraph_session"] == []


def test_the_session_cookie_is_http_only_and_strict(console: Console, fresh: Session) -> None:  # noqa: F811
    fresh.sign_in(console.token_for("viewer", "viewer-cookie"))
    cookie = fresh.session_cookie()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert fresh.page.evaluate("document.cookie") == ""  # out of JavaScript's reach
    assert cookie["value"] not in fresh.page.evaluate("JSON.stringify({...localStorage, ...sessionStorage})")


def test_sign_out_ends_the_session_on_the_server(console: Console, fresh: Session, graph) -> None:  # noqa: F811
    fresh.sign_in(console.token_for("viewer", "viewer-out"))
    page = fresh.goto(f"/entities/{graph['orders']}")
    expect(page.get_by_test_id("entity-name")).to_have_text("orders")
    cookie = fresh.session_cookie()["value"]
    old = {"Cookie": f"provgraph_session={cookie}"}
    assert httpx.get(console.url + "/api/v1/session", headers=old).status_code == 200

    page.get_by_test_id("sign-out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_label("Token")).to_be_visible()
    assert [c for c in fresh.context.cookies() if c["name"] == "provgraph_session"] == []
    # The old cookie, replayed by anyone who kept it, is dead on the server.
    answer = httpx.get(console.url + "/api/v1/session", headers=old)
    assert answer.status_code == 401, answer.text
    assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    graphql = httpx.post(console.url + "/graphql", json={"query": "{ me { name } }"}, headers={**old, "Origin": console.url})
    assert graphql.status_code == 401, graphql.text


def test_an_expired_session_goes_to_login_and_comes_back_to_the_page(console: Console, fresh: Session, graph) -> None:  # noqa: F811
    token = console.token_for("viewer", "viewer-expiring")
    fresh.sign_in(token)
    page = fresh.goto(f"/entities/{graph['orders']}")
    expect(page.get_by_test_id("entity-name")).to_have_text("orders")
    expired = console.cypher(
        "MATCH (s:Session)-[:SESSION_OF]->(:Principal {name: 'viewer-expiring'}) SET s.expiresAt = s.createdAt RETURN count(s) AS n"
    )
    assert expired == [{"n": 1}]

    wanted = f"/entities/{graph['orders']}/lineage?direction=UPSTREAM&depth=2"
    fresh.recorder.expect(401, "/graphql")
    fresh.goto(wanted)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert httpx.URL(page.url).params["next"] == wanted
    fresh.sign_in(token, path="")
    expect(page).to_have_url(console.url + wanted)
    expect(page.get_by_test_id("lineage-explorer")).to_have_attribute("data-state", "ready")


class _ForeignSite:
    """Another origin (same host, another port: the same *site*, so SameSite=Strict still sends the
    cookie) serving a page whose form posts a mutation to the console's /graphql."""

    def __init__(self, target: str) -> None:
        body = (
            '<!doctype html><html><head><link rel="icon" href="data:,"></head><body>'
            f'<form id="f" method="post" action="{target}/graphql" enctype="text/plain">'
            f'<input name=\'{{"query": "{CSRF_DEFINE.replace(chr(34), "&quot;")}", "x": "\' value=\'"}}\'>'
            "</form></body></html>"
        ).encode()

        class Page(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def test_a_cross_site_post_with_the_session_cookie_is_refused(console: Console, fresh: Session) -> None:  # noqa: F811
    fresh.sign_in(ADMIN_TOKEN)
    cookie = fresh.session_cookie()["value"]
    request = fresh.context.request  # carries the context's cookies, as the browser would

    refused = request.post(console.url + "/graphql", data={"query": CSRF_DEFINE}, headers={"Origin": "http://evil.example"})
    assert refused.status == 403, refused.text()
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    no_origin = httpx.post(console.url + "/graphql", json={"query": CSRF_DEFINE}, headers={"Cookie": f"provgraph_session={cookie}"})
    assert no_origin.status_code == 403, no_origin.text

    foreign = _ForeignSite(console.url)
    try:
        fresh.recorder.expect(403, "/graphql")
        fresh.recorder.expect(404, "/favicon.ico")  # the refusal is a JSON document: Chromium asks for its icon
        page = fresh.goto("")
        page.goto(foreign.url)
        # Only the form's own navigation: a fetch the console page left in flight when it was navigated
        # away from may still report its (200) answer to /graphql.
        def the_forms_post(response) -> bool:
            request = response.request
            return (response.url == console.url + "/graphql" and request.method == "POST"
                    and request.is_navigation_request() and request.frame == page.main_frame)

        with page.expect_response(the_forms_post) as posted:
            page.evaluate("document.getElementById('f').submit()")
        assert posted.value.status == 403, posted.value.text()
        assert posted.value.request.headers.get("origin") == foreign.url.rstrip("/")
        assert "provgraph_session=" in (posted.value.request.all_headers().get("cookie") or "")
    finally:
        foreign.close()

    names = {d["name"] for d in console.graphql(DEFINITIONS)["classificationDefs"]}
    assert "CSRF_MADE" not in names
    same_site = request.post(console.url + "/graphql", data={"query": "{ me { name } }"}, headers={"Origin": console.url})
    assert same_site.status == 200 and same_site.json()["data"]["me"]["name"] == "admin"


def test_graphiql_renders_and_runs_a_query_with_the_session(console: Console, fresh: Session) -> None:  # noqa: F811
    fresh.recorder.expect(401, "/api/v1/session")
    fresh.recorder.expect(401, "/graphql")  # signed out, GraphiQL's schema request is refused
    page = fresh.goto("/graphql")
    signed_out = page.get_by_test_id("graphiql-signed-out")
    expect(signed_out).to_be_visible()
    expect(signed_out.get_by_role("link")).to_have_attribute("href", "/login?next=/graphql")

    fresh.sign_in(console.token_for("data-engineer", "dee"), path="/login?next=/graphql")
    expect(page).to_have_url(console.url + "/graphql")
    editor = page.locator(".graphiql-query-editor")
    expect(editor).to_be_visible()
    expect(editor).to_contain_text("me")  # the default query is in: the editor is ready
    # Pasted, not typed: the editor closes brackets as they are typed.
    fresh.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=console.url)
    page.evaluate("navigator.clipboard.writeText('{ me { name } }')")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("ControlOrMeta+v")
    with page.expect_response(lambda r: r.url == console.url + "/graphql" and r.request.method == "POST"
                              and "me" in (r.request.post_data or "")) as answered:
        page.get_by_role("button", name=re.compile("Execute query")).click()
    assert answered.value.status == 200
    assert answered.value.json() == {"data": {"me": {"name": "dee"}}}
    expect(page.locator(".graphiql-response")).to_contain_text('"name": "dee"')


def test_unknown_routes_missing_ids_and_hidden_ids_show_the_same_not_found_page(console: Console, fresh: Session, graph) -> None:  # noqa: F811
    fresh.sign_in(console.token_for("viewer", "viewer-lost"))
    missing = graph["patients"][:-4] + ("0000" if not graph["patients"].endswith("0000") else "1111")
    pages = {}
    for path in ["/no/such/page", f"/entities/{missing}", f"/entities/{graph['patients']}",
                 f"/entities/{graph['patients']}/lineage", f"/entities/{missing}/impact"]:
        page = fresh.goto(path)
        found = page.get_by_test_id("not-found")
        expect(found).to_be_visible()
        pages[path] = (page.title(), found.inner_html())
    assert len(set(pages.values())) == 1, pages
    # and it is not a page that says nothing: the visible entity is there for the same viewer
    page = fresh.goto(f"/entities/{graph['orders']}")
    expect(page.get_by_test_id("entity-name")).to_have_text("orders")
