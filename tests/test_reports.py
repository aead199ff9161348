"""Compliance reports (issue 6): provenance and classification reports, in every format, obeying the
same access rules as every query.

Two graphs:
- the demo story (services/demo.py): churn-classifier v3 trained by `train #3 (lightgbm)` on
  user_features@2026-11-01 <- build_features <- sessions_clean <- sessionize <- crm.customers and the
  clickstream version, deployed as churn-classifier-prod (production);
- a restricted one, drawn below: a PII dataset feeds an anonymising run whose input edge blocks PII, so
  the model is readable by a viewer but its raw source is not.

      customers {PII} -x(PII)-> anonymise -> features {CONFIDENTIAL} -> train -> churn_v1 -> churn_prod
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from prov.model import (
    ProvActivity,
    ProvAgent,
    ProvAttribution,
    ProvDerivation,
    ProvDocument,
    ProvEntity,
    ProvGeneration,
    ProvUsage,
)

from provgraph.cli.report import register
from provgraph.cli.runtime import Runtime
from provgraph.domain.reports import canonical_json
from provgraph.services.demo import load_demo

from .graph import Graph
from .support import ADMIN_TOKEN

PROVENANCE = """query($id: ID!, $since: DateTime, $until: DateTime) {
  provenance(id: $id, since: $since, until: $until) {
    generatedBy digest json
    subject { id name owners classifications { name propagated sourceId path } }
    lineage { truncated restrictedCount nodes { id type distance direction restricted name } edges { source target type } }
    sources { id name location version contentHash container owners classifications { name propagated sourceId } }
    processes { id name type status codeVersion parameters environment startedAt endedAt inputs outputs }
    deployments { name environment endpoint servesVersion }
    access { included note entityIds counts { resourceId principal action decision count } denials { principal resourceId } denialCount }
  }
}"""
CLASSIFICATION = """query($n: String!) {
  classificationReport(name: $n) {
    name restricted total truncated digest json
    groups { type count entities { id name direct sources { name propagated sourceId path } } }
  }
}"""
BY_NAME = "query($t: EntityType!, $q: String!) { entityByName(type: $t, qualifiedName: $q) { id } }"
V3 = "registry://acme/churn-classifier/v3"


# -- the graphs ---------------------------------------------------------------------------------------


@pytest.fixture
def demo(http, services, admin) -> str:
    """The demo story loaded; returns the id of churn-classifier v3 (the deployed champion)."""
    assert http.portal.call(load_demo, services) is True
    return admin.data(BY_NAME, {"t": "MODEL_VERSION", "q": V3})["entityByName"]["id"]


@pytest.fixture
def restricted(admin) -> Graph:
    g = Graph(admin, dataset="customers features", run="anonymise train", model_version="churn_v1", deployment="churn_prod")
    g.link("customers -> anonymise -> features -> train -> churn_v1 -> churn_prod")
    g.classify("customers", "PII")
    g.block("customers", "anonymise", "PII")
    g.classify("features", "CONFIDENTIAL")
    return g


def download(http, path: str, token: str = ADMIN_TOKEN, **params: str):
    return http.get(path, params=params, headers={"Authorization": f"Bearer {token}"})


def browser() -> str:
    """Debian's chromium; installed here on first use when the machine lacks it (CI machines start
    without it and the project must install what its tests need)."""
    if shutil.which("chromium") is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    chromium = shutil.which("chromium")
    assert chromium, "the HTML test needs Debian's chromium: apt-get install -y chromium"
    return chromium


def chromium_dom(tmp_path, html: str) -> str:
    """The DOM headless Chromium builds from the file: proof that it opens, and what it shows."""
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    chromium = browser()
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


# -- provenance on the demo story ------------------------------------------------------------------------


def test_demo_provenance_holds_sources_processes_and_deployments(admin, demo):
    report = admin.data(PROVENANCE, {"id": demo})["provenance"]
    assert report["subject"]["name"] == "churn-classifier v3" and report["generatedBy"] == "admin"
    names = {n["name"]: (n["distance"], n["direction"]) for n in report["lineage"]["nodes"]}
    assert names["train #3 (lightgbm)"] == (1, "upstream")
    assert names["crm.customers"] == (6, "upstream")
    assert names["churn-classifier-prod"] == (1, "downstream")
    assert report["lineage"]["truncated"] is False and report["lineage"]["restrictedCount"] == 0
    clickstream = next(s for s in report["sources"] if s["name"] == "clickstream@2026-11-01")
    assert clickstream["contentHash"] == "sha256:9f2c1e7a5b0d4c3e8a6f1b2d7c9e0a4b5d6c7e8f9a0b1c2d3e4f5a6b7c8d9e0f"
    assert clickstream["version"] == "2026-11-01" and clickstream["container"] == "raw clickstream"
    customers = next(s for s in report["sources"] if s["name"] == "crm.customers")
    assert customers["location"] == "postgres://crm/public.customers" and customers["owners"] == ["crm-team"]
    train = next(p for p in report["processes"] if p["name"] == "train #3 (lightgbm)")
    assert train["parameters"] == {"learning_rate": 0.05, "num_leaves": 63, "max_depth": 8, "seed": 7}
    assert train["status"] == "FINISHED" and "5eed1234c0ff" in train["codeVersion"]
    assert train["environment"]["python"] == "3.11.9" and train["startedAt"].startswith("2026-11-02T09:00")
    sessionize = next(p for p in report["processes"] if p["name"] == "sessionize 2026-11-01")
    assert sessionize["status"] == "COMPLETE" and sessionize["codeVersion"] == "git:4e1a9c2"
    assert customers["id"] in sessionize["inputs"]
    assert report["deployments"] == [
        {"name": "churn-classifier-prod", "environment": "production", "endpoint": "https://ml.acme.internal/churn",
         "servesVersion": demo}
    ]


def test_the_json_is_canonical_and_its_digest_recomputes(admin, demo, http):
    report = admin.data(PROVENANCE, {"id": demo})["provenance"]
    content = report["json"]
    body = {k: v for k, v in content.items() if k != "digest"}
    assert content["digest"] == report["digest"] == hashlib.sha256(canonical_json(body).encode()).hexdigest()
    response = download(http, f"/api/v1/reports/provenance/{demo}", format="json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="provenance-churn-classifier-v3.json"'
    text = response.text
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"  # keys sorted
    downloaded = json.loads(text)
    assert downloaded["digest"] == response.headers["x-report-digest"]
    nodes = downloaded["lineage"]["nodes"]
    assert nodes[0]["direction"] == "subject"
    upstream = [(n["distance"], n["type"], n["id"]) for n in nodes if n["direction"] == "upstream"]
    assert upstream == sorted(upstream)


def test_markdown_has_every_section(http, demo):
    response = download(http, f"/api/v1/reports/provenance/{demo}", format="md")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/markdown")
    md = response.text
    for heading in ("# Provenance report: churn-classifier v3", "## Upstream lineage", "## Source data", "## Processes",
                    "## Deployments", "## Access summary"):
        assert heading in md
    assert "sha256:9f2c1e7a5b0d" in md and "production" in md
    assert f"`{response.headers['x-report-digest']}`" in md


def test_prov_json_loads_with_the_prov_package_and_holds_the_relations(http, demo, admin):
    report = admin.data(PROVENANCE, {"id": demo})["provenance"]
    ids = {n["name"]: n["id"] for n in report["lineage"]["nodes"]}
    response = download(http, f"/api/v1/reports/provenance/{demo}", format="prov")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.prov.json"')
    doc = ProvDocument.deserialize(content=response.text, format="json")

    def local(qn) -> str:
        return qn.localpart

    used = {(local(r.args[0]), local(r.args[1])) for r in doc.get_records(ProvUsage)}
    generated = {(local(r.args[0]), local(r.args[1])) for r in doc.get_records(ProvGeneration)}
    derived = {(local(r.args[0]), local(r.args[1])) for r in doc.get_records(ProvDerivation)}
    attributed = {(local(r.args[0]), local(r.args[1])) for r in doc.get_records(ProvAttribution)}
    train, features, v3 = ids["train #3 (lightgbm)"], ids["user_features@2026-11-01"], ids["churn-classifier v3"]
    assert (train, features) in used
    assert (v3, train) in generated
    assert (v3, features) in derived
    assert (ids["churn-classifier-prod"], v3) in derived  # DEPLOYED_AS
    assert (ids["crm.customers"], "crm-team") in attributed
    activities = {local(r.identifier) for r in doc.get_records(ProvActivity)}
    assert train in activities and ids["sessionize 2026-11-01"] in activities
    agents = {local(r.identifier) for r in doc.get_records(ProvAgent)}
    assert {"alice", "crm-team", "ml-ops", "admin"} <= agents


def test_html_opens_in_chromium_and_draws_the_lineage(http, demo, tmp_path):
    response = download(http, f"/api/v1/reports/provenance/{demo}", format="html")
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    dom = chromium_dom(tmp_path, html)
    assert "<svg" in dom and 'class="lineage"' in dom
    for label in ("churn-classifier v3", "train #3 (lightgbm)", "user_features@2026-11-01", "crm.customers",
                  "churn-classifier-prod"):
        assert f">{label}</text>" in dom
    assert dom.count('class="edge"') == 8  # 7 upstream edges and DEPLOYED_AS


def test_an_experiment_gets_a_report_of_what_exists(admin, demo):
    experiment = admin.data(BY_NAME, {"t": "EXPERIMENT", "q": "mlflow://acme/churn-model"})["entityByName"]["id"]
    report = admin.data(PROVENANCE, {"id": experiment})["provenance"]
    assert report["subject"]["name"] == "churn-model"
    assert [n["id"] for n in report["lineage"]["nodes"]] == [experiment]
    assert report["sources"] == [] and report["processes"] == [] and report["deployments"] == []


def test_a_deployment_s_report_reaches_back_to_its_raw_sources(admin, restricted):
    report = admin.data(PROVENANCE, {"id": restricted.ids["churn_prod"]})["provenance"]
    assert [s["name"] for s in report["sources"]] == ["churn_v1", "features", "customers"]  # nearest first: 1, 3, 5 hops
    assert [p["name"] for p in report["processes"]] == ["train", "anonymise"]
    assert report["deployments"] == []  # the subject is the deployment


# -- access rules ----------------------------------------------------------------------------------------


def test_a_viewer_sees_restricted_placeholders_never_the_pii_dataset(http, as_role, restricted, tmp_path):
    viewer = as_role("viewer")
    secret_id, model = restricted.ids["customers"], restricted.ids["churn_v1"]
    report = viewer.data(PROVENANCE, {"id": model})["provenance"]
    placeholder = next(n for n in report["lineage"]["nodes"] if n["restricted"])
    assert placeholder == {"id": "restricted-1", "type": "DATASET", "distance": 4, "direction": "upstream",
                           "restricted": True, "name": None}
    anonymise = next(p for p in report["processes"] if p["name"] == "anonymise")
    assert anonymise["inputs"] == ["restricted-1"]
    assert [s["name"] for s in report["sources"]] == ["features"]
    assert report["access"]["included"] is False  # a viewer may not read the audit log
    for fmt in ("json", "md", "html", "prov"):
        body = download(http, f"/api/v1/reports/provenance/{model}", token=viewer.token, format=fmt).text
        assert secret_id not in body and "test://customers" not in body and ">customers<" not in body, fmt
    assert ">restricted Dataset</text>" in chromium_dom(
        tmp_path, download(http, f"/api/v1/reports/provenance/{model}", token=viewer.token, format="html").text
    )


def test_a_viewer_cannot_report_on_the_restricted_dataset_itself(as_role, restricted):
    error = as_role("viewer").error(PROVENANCE, {"id": restricted.ids["customers"]})
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_a_governance_reviewer_sees_the_restricted_source_and_who_was_denied(as_role, restricted):
    viewer, reviewer = as_role("viewer", name="val"), as_role("governance-reviewer", name="rita")
    model, secret_id = restricted.ids["churn_v1"], restricted.ids["customers"]
    viewer.data(PROVENANCE, {"id": model})  # meets the hidden dataset: one denial on it
    report = reviewer.data(PROVENANCE, {"id": model})["provenance"]
    assert report["lineage"]["restrictedCount"] == 0
    customers = next(s for s in report["sources"] if s["name"] == "customers")
    assert customers["id"] == secret_id
    assert [(c["name"], c["propagated"], c["sourceId"]) for c in customers["classifications"]] == [("PII", False, secret_id)]
    confidential = report["subject"]["classifications"]
    assert [(c["name"], c["propagated"], c["sourceId"]) for c in confidential] == [
        ("CONFIDENTIAL", True, restricted.ids["features"])
    ]
    access = report["access"]
    assert access["included"] is True and access["entityIds"] == sorted([model, secret_id])
    assert {"principal": "val", "resourceId": secret_id} in access["denials"]
    reads = {(c["principal"], c["resourceId"], c["decision"]) for c in access["counts"]}
    assert ("val", secret_id, "deny") in reads and ("val", model, "allow") in reads


def test_generating_a_report_is_audited(admin, as_role, restricted):
    reviewer = as_role("governance-reviewer", name="rita")
    model = restricted.ids["churn_v1"]
    digest = reviewer.data(PROVENANCE, {"id": model})["provenance"]["digest"]
    events = admin.data(
        'query($id: ID!) { auditEvents(entityId: $id, action: "report") { edges { node { principal details } } } }',
        {"id": model},
    )["auditEvents"]["edges"]
    assert [(e["node"]["principal"], e["node"]["details"]["digest"]) for e in events] == [("rita", digest)]


def test_the_access_window_limits_the_summary(admin, restricted):
    model = restricted.ids["churn_v1"]
    past = datetime(2020, 1, 1, tzinfo=UTC)
    report = admin.data(PROVENANCE, {"id": model, "since": past.isoformat(), "until": (past + timedelta(days=1)).isoformat()})
    access = report["provenance"]["access"]
    assert access["included"] is True and access["counts"] == [] and access["denialCount"] == 0


# -- classification report ------------------------------------------------------------------------------


def test_classification_report_lists_direct_and_propagated_holders_with_paths(admin, restricted):
    report = admin.data(CLASSIFICATION, {"n": "CONFIDENTIAL"})["classificationReport"]
    ids = restricted.ids
    groups = {g["type"]: {e["name"]: e for e in g["entities"]} for g in report["groups"]}
    assert set(groups) == {"DATASET", "RUN", "MODEL_VERSION", "DEPLOYMENT"}
    assert groups["DATASET"]["features"]["direct"] is True
    prod = groups["DEPLOYMENT"]["churn_prod"]
    assert prod["direct"] is False
    assert prod["sources"] == [{"name": "CONFIDENTIAL", "propagated": True, "sourceId": ids["features"],
                                "path": [ids["features"], ids["train"], ids["churn_v1"], ids["churn_prod"]]}]
    assert report["total"] == 4 and report["truncated"] is False
    assert [(g["type"], g["count"]) for g in report["groups"]] == [
        ("DATASET", 1), ("DEPLOYMENT", 1), ("MODEL_VERSION", 1), ("RUN", 1)
    ]


def test_a_viewer_s_classification_report_leaves_out_what_it_may_not_see(as_role, restricted):
    report = as_role("viewer").data(CLASSIFICATION, {"n": "PII"})["classificationReport"]
    assert report["restricted"] is True and report["total"] == 0 and report["groups"] == []
    assert restricted.ids["customers"] not in json.dumps(report)


def test_a_reviewer_s_pii_record_of_processing_names_the_dataset(as_role, restricted):
    report = as_role("governance-reviewer").data(CLASSIFICATION, {"n": "PII"})["classificationReport"]
    assert report["groups"] == [{"type": "DATASET", "count": 1, "entities": [
        {"id": restricted.ids["customers"], "name": "customers", "direct": True,
         "sources": [{"name": "PII", "propagated": False, "sourceId": restricted.ids["customers"],
                      "path": [restricted.ids["customers"]]}]}]}]


def test_classification_report_downloads_as_markdown_and_html(http, restricted, tmp_path):
    md = download(http, "/api/v1/reports/classification/CONFIDENTIAL", format="md")
    assert md.status_code == 200 and md.headers["content-disposition"] == 'attachment; filename="classification-CONFIDENTIAL.md"'
    assert "# Classification report: CONFIDENTIAL" in md.text and "## Deployment (1)" in md.text
    html = download(http, "/api/v1/reports/classification/CONFIDENTIAL", format="html")
    dom = chromium_dom(tmp_path, html.text)
    assert "Classification report: CONFIDENTIAL" in dom and "churn_prod" in dom
    data = download(http, "/api/v1/reports/classification/CONFIDENTIAL")  # json by default
    assert data.headers["content-type"] == "application/json" and json.loads(data.text)["total"] == 4


# -- bad input ------------------------------------------------------------------------------------------


def test_an_unknown_id_is_not_found(admin, http):
    missing = "00000000-0000-4000-8000-000000000000"
    assert admin.error(PROVENANCE, {"id": missing})["extensions"]["code"] == "NOT_FOUND"
    response = download(http, f"/api/v1/reports/provenance/{missing}", format="md")
    assert response.status_code == 404 and response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_an_unknown_classification_is_not_found(admin, http):
    assert admin.error(CLASSIFICATION, {"n": "NO_SUCH"})["extensions"]["code"] == "NOT_FOUND"
    assert download(http, "/api/v1/reports/classification/NO_SUCH").status_code == 404


def test_an_unsupported_format_lists_the_supported_ones(http, restricted):
    response = download(http, f"/api/v1/reports/provenance/{restricted.ids['churn_v1']}", format="pdf")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_INPUT" and "json, md, html, prov" in error["message"]
    response = download(http, "/api/v1/reports/classification/PII", format="prov")  # PROV is for provenance only
    assert response.status_code == 400 and "json, md, html)" in response.json()["errors"][0]["message"]


def test_since_after_until_is_bad_input(admin, http, restricted):
    model = restricted.ids["churn_v1"]
    error = admin.error(PROVENANCE, {"id": model, "since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"})
    assert error["extensions"]["code"] == "BAD_INPUT" and "since" in error["message"]
    response = download(http, f"/api/v1/reports/provenance/{model}", since="2026-02-01T00:00:00Z", until="2026-01-01T00:00:00Z")
    assert response.status_code == 400
    assert download(http, f"/api/v1/reports/provenance/{model}", since="last tuesday").status_code == 400


# -- CLI ------------------------------------------------------------------------------------------------


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="provgraph")
    register(parser.add_subparsers())
    args = parser.parse_args(list(argv))
    return args.run(Runtime.from_environment(), args)


def test_cli_writes_a_provenance_report_as_the_bootstrap_admin(http, settings, restricted, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)  # the CLI reads its database from the environment
    out = tmp_path / "model.prov.json"
    assert cli("report", "provenance", restricted.ids["churn_v1"], "--format", "prov", "--out", str(out)) == 0
    doc = ProvDocument.deserialize(content=out.read_text(), format="json")
    assert restricted.ids["customers"] in {r.identifier.localpart for r in doc.get_records(ProvEntity)}
    assert cli("report", "classification", "PII", "--format", "md") == 0
    assert "| customers | test://customers |" in capsys.readouterr().out
