"""The server side of the web console: the built app's files, the client-route fallback, GraphiQL at
/graphql, the Content-Security-Policy and security headers, and the API routes kept apart from it all.
Runs against a small fake dist/ (PROVGRAPH_CONSOLE_DIST_DIR), so it needs no npm build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from provgraph.api.app import create_app
from provgraph.api.console import CONTENT_SECURITY_POLICY
from provgraph.config import Settings

from .documents import UPSERT
from .graph import dataset
from .support import ADMIN_TOKEN

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
INDEX = '<!doctype html><title>provgraph console</title><script type="module" src="/assets/index-3f9a.js"></script>'
GRAPHIQL = '<!doctype html><title>provgraph graphiql</title><script type="module" src="/assets/graphiql-77b1.js"></script>'
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("console") / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "graphiql.html").write_text(GRAPHIQL)
    (root / "assets" / "index-3f9a.js").write_text("console.log('app');\n")
    (root / "assets" / "index-3f9a.css").write_text("body { margin: 0 }\n")
    (root / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (root / ".build-stamp").write_text("0123\n")
    (root.parent / "secret.txt").write_text("outside the dist")
    return root


def _client(settings: Settings, dist_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"console_dist_dir": dist_dir}))) as client:
        yield client


@pytest.fixture(scope="module")
def console(settings: Settings, dist: Path) -> Iterator[TestClient]:
    yield from _client(settings, dist)


@pytest.fixture(scope="module")
def unbuilt(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from _client(settings, tmp_path_factory.mktemp("no-console") / "dist")


def assert_html_page(response, body: str | None = None) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-security-policy"] == EXPECTED_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    if body is not None:
        assert response.text == body


def test_the_policy_is_the_contracts():
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP


@pytest.mark.parametrize(
    "path", ["/", "/login", "/login?next=%2Fsearch%3Fq%3Dchurn", "/search?q=churn&types=DATASET", "/entities/e-1",
             "/entities/e-1/lineage?direction=UPSTREAM&depth=2", "/classifications/PII", "/no/such/page"],
)
def test_client_routes_answer_index_html(console, path):
    assert_html_page(console.get(path, headers=HTML), INDEX)


def test_a_head_request_gets_the_page_headers(console):
    response = console.head("/search", headers=HTML)
    assert response.status_code == 200 and response.headers["content-security-policy"] == EXPECTED_CSP


def test_curl_gets_the_page_but_a_missing_file_is_a_json_404(console):
    assert_html_page(console.get("/", headers={"Accept": "*/*"}), INDEX)
    missing = console.get("/missing.js", headers={"Accept": "*/*"})
    assert missing.status_code == 404 and missing.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_hashed_assets_are_cached_for_a_year(console):
    script = console.get("/assets/index-3f9a.js")
    assert script.status_code == 200 and script.text == "console.log('app');\n"
    assert "javascript" in script.headers["content-type"]
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert script.headers["x-content-type-options"] == "nosniff"
    style = console.get("/assets/index-3f9a.css")
    assert style.headers["content-type"].startswith("text/css") and "immutable" in style.headers["cache-control"]


def test_a_missing_asset_is_a_404_not_the_page(console):
    response = console.get("/assets/index-0000.js", headers=HTML)
    assert response.status_code == 404
    assert INDEX not in response.text


def test_assets_cannot_reach_outside_the_dist(console):
    for path in ("/assets/../../secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt"):
        response = console.get(path)
        assert "outside the dist" not in response.text, path


def test_top_level_files_of_the_dist_are_served_but_not_hidden_ones(console):
    icon = console.get("/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")
    assert icon.headers["content-type"].startswith("image/svg")
    stamp = console.get("/.build-stamp", headers={"Accept": "*/*"})
    assert "0123" not in stamp.text


def test_graphiql_at_graphql_is_the_consoles_page(console):
    assert_html_page(console.get("/graphql", headers=HTML), GRAPHIQL)
    with_bearer = console.get("/graphql", headers={**HTML, **BEARER})
    assert_html_page(with_bearer, GRAPHIQL)


def test_graphql_still_answers_queries_beside_the_page(console, http):
    post = console.post("/graphql", json={"query": "{ me { name } }"}, headers=BEARER)
    assert post.json() == {"data": {"me": {"name": "admin"}}}
    get = console.get("/graphql", params={"query": "{ me { name } }"}, headers={**BEARER, "Accept": "application/json"})
    assert get.json() == {"data": {"me": {"name": "admin"}}}
    anonymous = console.post("/graphql", json={"query": "{ me { name } }"}, headers=HTML)
    assert anonymous.status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api", "/api/", "/graphql/extra", "/api/v1/session/extra"])
def test_unknown_api_paths_are_a_json_404_never_the_page(console, http, path):
    response = console.get(path, headers={**HTML, **BEARER})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    anonymous = console.get(path, headers=HTML)
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/json"


def test_an_unsafe_method_on_a_page_path_is_not_the_page(console, http):
    assert console.post("/search", headers=HTML).status_code == 401
    response = console.post("/search", headers={**HTML, **BEARER})
    assert response.status_code == 404 and response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_health_routes_keep_answering_json(console):
    assert console.get("/healthz", headers=HTML).json() == {"status": "ok"}
    ready = console.get("/readyz", headers=HTML)
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_json_answers_carry_nosniff_but_no_page_policy(console, http):
    response = console.post("/graphql", json={"query": "{ me { name } }"}, headers=BEARER)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in response.headers


def test_html_reports_carry_the_policy_too(console, http):
    [entity] = console.post("/graphql", json={"query": UPSERT, "variables": {"in": [dataset("db://csp")]}}, headers=BEARER).json()[
        "data"
    ]["upsertEntities"]
    report = console.get(f"/api/v1/reports/provenance/{entity['id']}?format=html", headers=BEARER)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert report.headers["content-security-policy"] == EXPECTED_CSP


@pytest.mark.parametrize("path", ["/", "/entities/e-1", "/graphql"])
def test_without_a_built_console_the_pages_say_how_to_build_it(unbuilt, path):
    response = unbuilt.get(path, headers=HTML)
    assert_html_page(response)
    assert "console was not built" in response.text
    assert "Node.js 20+" in response.text and "npm --prefix web run build" in response.text
    assert "<script" not in response.text and "http://" not in response.text and "https://" not in response.text


def test_without_a_built_console_the_api_works(unbuilt, http):
    assert unbuilt.post("/graphql", json={"query": "{ me { name } }"}, headers=BEARER).json() == {"data": {"me": {"name": "admin"}}}
    assert unbuilt.get("/assets/index-3f9a.js").status_code == 404
