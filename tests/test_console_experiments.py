"""The experiment pages in Chromium against the live server (issue 16): a data scientist filters an
experiment's runs (`lr < 0.01`) and sorts them (best val_auc first, then by a header click), the order
checked against `runs(filter, orderBy)` over GraphQL; chooses a column's aggregate and finds it remembered;
selects two runs and compares them (differences only, transpose, max instead of last, checked against
`compareRuns`); opens a run's page with its facts, commit link, one chart per metric (exported as PNG)
and its inputs and outputs linked to the lineage explorer. Every test ends with the recorder's check (no
console error, no unexpected response).

One graph for the module, built over GraphQL as the data scientist: an experiment of 12 runs with
parameters lr, batch_size and optimizer and metrics loss and val_auc over 30 steps, one run FAILED."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Locator, Page, expect

from .browser import Console, Session, console  # noqa: F401 (the fixture)

EXPERIMENT = "mlflow://acme/ctr"
REPO = "https://github.com/acme/ctr"
SHOTS = Path(os.environ.get("PROVGRAPH_SCREENSHOTS", "/tmp/provgraph-console-experiments"))
STEPS = 30
SHA256 = re.compile(r"^[0-9a-f]{64}$")  # the packages digest

START_RUN = "mutation($in: StartRunInput!) { startRun(input: $in) { id experimentId } }"
LOG_PARAMS = "mutation($run: ID!, $p: JSON!) { logParams(runId: $run, params: $p) { name } }"
LOG_METRICS = "mutation($run: ID!, $m: [MetricBatchInput!]!) { logMetrics(runId: $run, metrics: $m) { name } }"
LOG_INPUTS = "mutation($run: ID!, $in: [EntityRef!]!) { logRunInputs(runId: $run, inputs: $in) }"
LOG_OUTPUTS = "mutation($run: ID!, $out: [EntityRef!]!) { logRunOutputs(runId: $run, outputs: $out) }"
FINISH = "mutation($run: ID!, $s: RunStatus!) { finishRun(runId: $run, status: $s) { id } }"
UPSERT = "mutation($in: [EntityInput!]!) { upsertEntities(input: $in) { id qualifiedName } }"
RUNS = """query($e: ID!, $f: [RunFilter!], $o: RunOrder, $s: [RunStatus!]) {
  runs(experimentId: $e, filter: $f, orderBy: $o, status: $s, first: 100) { totalCount edges { node { id name } } } }"""
COMPARE = """query($ids: [ID!]!, $a: MetricAggregate!) { compareRuns(ids: $ids, aggregate: $a) {
  runs { id } params { name values } metrics { name values } } }"""


@dataclass(frozen=True)
class Runs:
    experiment_id: str
    ids: dict[str, str]  # run name -> id
    dataset_id: str  # the input of ctr-0
    model_id: str  # the output artifact of ctr-0
    token: str  # the data scientist's


def _lr(i: int) -> float:
    return [0.1, 0.05, 0.003, 0.001, 0.02, 0.0005][i % 6]


@pytest.fixture(scope="module")
def runs(console: Console) -> Runs:  # noqa: F811
    console.reset_graph()
    token = console.token_for("data-scientist", "dana")

    def as_dana(query: str, variables: dict) -> dict:
        return console.graphql(query, variables, token=token)

    [dataset, artifact] = console.graphql(UPSERT, {"in": [
        {"type": "DATASET_VERSION", "name": "clicks@2026-11", "qualifiedName": "s3://acme/clicks@2026-11"},
        {"type": "ARTIFACT", "name": "ctr-model.pkl", "qualifiedName": "s3://acme/models/ctr-model.pkl"},
    ]})["upsertEntities"]
    ids: dict[str, str] = {}
    experiment_id = ""
    for i in range(12):
        started = as_dana(START_RUN, {"in": {
            "experiment": EXPERIMENT, "name": f"ctr-{i}",
            "code": {"repoUrl": REPO + ".git", "commit": f"{i:02d}c0ffee{i:02d}", "branch": "main"},
            "environment": {"pythonVersion": "3.12.7", "os": "Linux-6.1", "packages": ["numpy==2.1.0", f"torch==2.{i % 3}.0"]},
            "hardware": {"cpuCount": 8, "memoryBytes": 32 * 1024**3, "gpus": ["A10G"]},
            "startedAt": f"2026-11-{i + 1:02d}T10:00:00Z",
        }})["startRun"]
        run_id, experiment_id = started["id"], started["experimentId"]
        ids[f"ctr-{i}"] = run_id
        as_dana(LOG_PARAMS, {"run": run_id, "p": {"lr": _lr(i), "batch_size": 64 if i < 6 else 128, "optimizer": "adam" if i % 2 else "sgd"}})
        peak = 0.6 + 0.03 * i
        steps = list(range(STEPS))
        as_dana(LOG_METRICS, {"run": run_id, "m": [
            {"name": "loss", "values": [1.0 / (s + 1) + 0.01 * i for s in steps], "steps": steps},
            # rises to a peak halfway, then falls back: max and last differ
            {"name": "val_auc", "values": [peak * (1 - abs(s - 15) / 30) for s in steps], "steps": steps},
        ]})
        if i == 0:
            as_dana(LOG_INPUTS, {"run": run_id, "in": [{"id": dataset["id"]}]})
            as_dana(LOG_OUTPUTS, {"run": run_id, "out": [{"id": artifact["id"]}]})
        as_dana(FINISH, {"run": run_id, "s": "FAILED" if i == 7 else "FINISHED"})
    return Runs(experiment_id, ids, dataset["id"], artifact["id"], token)


@pytest.fixture(scope="module")
def dana_session(console: Console, runs: Runs) -> Iterator[Session]:  # noqa: F811
    session = console.new_session()
    session.sign_in(runs.token)
    session.recorder.check()
    yield session
    session.close()


@pytest.fixture
def dana(dana_session: Session) -> Iterator[Session]:
    """The data scientist's browser; after the test, whatever it saw must have been clean."""
    dana_session.recorder.reset()
    yield dana_session
    dana_session.recorder.check()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def toggle(box: Locator, checked: bool) -> None:
    """Clicks a checkbox whose state lives in the URL: it shows the new state once the route has
    updated (a React transition), not necessarily at the click (Playwright's check() demands that)."""
    box.click()
    expect(box).to_be_checked(checked=checked)


def shown_names(page: Page) -> list[str]:
    rows = page.get_by_test_id("run-row")
    return [rows.nth(i).locator(".exp-run-name").inner_text() for i in range(rows.count())]


def graphql_names(console: Console, runs: Runs, filters: list | None, order: dict | None, status: list | None = None) -> list[str]:  # noqa: F811
    answer = console.graphql(RUNS, {"e": runs.experiment_id, "f": filters, "o": order, "s": status}, token=runs.token)["runs"]
    return [edge["node"]["name"] for edge in answer["edges"]]


def open_experiment(dana: Session, runs: Runs) -> Page:
    page = dana.goto("/experiments")
    expect(page.get_by_test_id("experiments-page")).to_be_visible()
    page.get_by_test_id("experiment-row").filter(has_text="ctr").get_by_role("link").click()
    expect(page.get_by_test_id("runs-table")).to_have_attribute("data-total", "12")
    assert quote(runs.experiment_id, safe="") in page.url
    return page


def test_filter_and_sort_runs_as_graphql_does(console: Console, runs: Runs, dana: Session) -> None:  # noqa: F811
    page = open_experiment(dana, runs)
    page.get_by_test_id("runs-filter").fill("lr < 0.01")
    page.get_by_test_id("runs-order").fill("val_auc desc")
    page.get_by_test_id("runs-apply").click()
    low_lr = [{"param": "lr", "comparison": "LT", "value": 0.01}]
    best_auc = {"metric": "val_auc", "aggregate": "LAST", "direction": "DESC"}
    expected = graphql_names(console, runs, low_lr, best_auc)
    assert len(expected) == 6  # lr 0.003, 0.001 and 0.0005, twice each
    expect(page.get_by_test_id("runs-table")).to_have_attribute("data-total", "6")
    expect(page.get_by_test_id("run-row")).to_have_count(6)
    assert shown_names(page) == expected
    assert "filter=lr+%3C+0.01" in page.url and "order=val_auc+desc" in page.url

    # A header click sorts by that column, then flips it: loss (last) ascending = GraphQL's ASC order.
    page.get_by_test_id("sort-m:loss:last").click()
    by_loss_desc = graphql_names(console, runs, low_lr, {"metric": "loss", "aggregate": "LAST", "direction": "DESC"})
    expect(page.get_by_test_id("sort-m:loss:last")).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_test_id("run-row").first.locator(".exp-run-name")).to_have_text(by_loss_desc[0])
    assert shown_names(page) == by_loss_desc
    page.get_by_test_id("sort-m:loss:last").click()
    expect(page.get_by_test_id("sort-m:loss:last")).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_test_id("run-row").first.locator(".exp-run-name")).to_have_text(by_loss_desc[-1])
    assert shown_names(page) == list(reversed(by_loss_desc))

    # The status filter: only the failed run.
    page.get_by_test_id("runs-filter").fill("")
    page.get_by_test_id("runs-apply").click()
    toggle(page.get_by_test_id("status-FAILED"), True)
    expect(page.get_by_test_id("runs-table")).to_have_attribute("data-total", "1")
    assert shown_names(page) == graphql_names(console, runs, None, None, ["FAILED"]) == ["ctr-7"]
    toggle(page.get_by_test_id("status-FAILED"), False)
    expect(page.get_by_test_id("runs-table")).to_have_attribute("data-total", "12")

    # A filter the page cannot map is named, and nothing is asked of the server.
    page.get_by_test_id("runs-filter").fill("momentum < 1")
    page.get_by_test_id("runs-apply").click()
    expect(page.get_by_test_id("runs-filter-error")).to_contain_text("momentum")
    shot(page, "experiment-runs")


def test_column_aggregate_is_remembered_per_experiment(console: Console, runs: Runs, dana: Session) -> None:  # noqa: F811
    page = open_experiment(dana, runs)
    page.get_by_test_id("column-picker").locator("summary").click()
    page.get_by_test_id("agg-val_auc").select_option("MAX")
    toggle(page.get_by_test_id("pick-param-optimizer"), False)
    header = page.get_by_test_id("sort-m:val_auc:max")
    expect(header).to_be_visible()
    expect(page.get_by_test_id("sort-p:optimizer")).to_have_count(0)
    # The shown value is the run's max val_auc (the peak at step 15), not its last.
    first = page.get_by_test_id("run-row").first
    run_id = first.get_attribute("data-run-id")
    [maximum] = [m["values"][0] for m in console.graphql(COMPARE, {"ids": [run_id], "a": "MAX"}, token=runs.token)["compareRuns"]["metrics"] if m["name"] == "val_auc"]
    assert float(first.locator('[data-col="m:val_auc:max"]').inner_text()) == pytest.approx(maximum, rel=1e-5)

    # Opened again without columns in the URL, the page uses the remembered choice.
    page.goto(dana.base_url + f"/experiments/{quote(runs.experiment_id, safe='')}")
    expect(page.get_by_test_id("sort-m:val_auc:max")).to_be_visible()
    expect(page.get_by_test_id("sort-p:optimizer")).to_have_count(0)


def test_select_two_runs_and_compare(console: Console, runs: Runs, dana: Session) -> None:  # noqa: F811
    page = open_experiment(dana, runs)
    # ctr-2 and ctr-3: same batch_size (64), different lr and optimizer.
    chosen = [runs.ids["ctr-2"], runs.ids["ctr-3"]]
    for run_id in chosen:
        toggle(page.locator(f'[data-testid="run-row"][data-run-id="{run_id}"]').get_by_test_id("run-select"), True)
    page.get_by_test_id("compare-selected").click()
    page.wait_for_url("**/runs/compare?ids=**")
    expect(page.get_by_test_id("compare-table")).to_be_visible()
    expect(page.locator('[data-testid="compare-row"][data-name="batch_size"]')).to_have_count(1)
    expect(page.locator('[data-testid="compare-run-col"]')).to_have_count(2)

    # Differences only: batch_size (equal) goes, lr and optimizer stay.
    toggle(page.get_by_test_id("compare-diff"), True)
    expect(page.locator('[data-testid="compare-row"][data-name="batch_size"]')).to_have_count(0)
    expect(page.locator('[data-testid="compare-row"][data-name="lr"]')).to_have_count(1)
    expect(page.locator('[data-testid="compare-row"][data-name="optimizer"]')).to_have_count(1)
    compared = console.graphql(COMPARE, {"ids": chosen, "a": "LAST"}, token=runs.token)["compareRuns"]
    differing = {p["name"] for p in compared["params"] if len({repr(v) for v in p["values"]}) > 1}
    assert differing == {"lr", "optimizer"}

    # Max instead of last: the values shown are compareRuns(aggregate: MAX)'s.
    page.get_by_test_id("compare-agg").select_option("MAX")
    maxima = console.graphql(COMPARE, {"ids": chosen, "a": "MAX"}, token=runs.token)["compareRuns"]
    [auc] = [m["values"] for m in maxima["metrics"] if m["name"] == "val_auc"]
    auc_row = page.locator('[data-testid="compare-row"][data-name="val_auc (max)"]')
    expect(auc_row).to_have_count(1)
    cells = [float(t) for t in auc_row.locator("td").all_inner_texts()]
    assert cells == pytest.approx(auc, rel=1e-5)

    # Transposed: one row per run, one column per shown parameter or metric.
    toggle(page.get_by_test_id("compare-transpose"), True)
    expect(page.get_by_test_id("compare-run-row")).to_have_count(2)
    expect(page.locator('[data-testid="compare-col"][data-name="lr"]')).to_have_count(1)
    assert "diff=1" in page.url and "transpose=1" in page.url and "agg=max" in page.url
    # One chart per metric, both runs overlaid.
    charts = page.get_by_test_id("compare-charts").get_by_test_id("metric-chart")
    expect(charts).to_have_count(2)
    for i in range(2):
        expect(charts.nth(i)).to_have_attribute("data-series", "2")
        expect(charts.nth(i)).to_have_attribute("data-points", str(2 * STEPS))
        expect(charts.nth(i).locator("canvas")).to_have_count(1)
    shot(page, "compare")

    # The state is the URL: opened afresh, the same view.
    page.goto(page.url)
    expect(page.get_by_test_id("compare-run-row")).to_have_count(2)
    expect(page.get_by_test_id("compare-diff")).to_be_checked()


def test_run_page_with_charts_and_lineage(console: Console, runs: Runs, dana: Session) -> None:  # noqa: F811
    page = dana.goto(f"/runs/{quote(runs.ids['ctr-0'], safe='')}")
    expect(page.get_by_test_id("run-name")).to_have_text("ctr-0")
    expect(page.get_by_test_id("run-param")).to_have_count(3)
    link = page.get_by_test_id("run-commit-link")
    expect(link).to_have_attribute("href", f"{REPO}/commit/00c0ffee00")
    expect(page.get_by_test_id("run-python")).to_have_text("3.12.7")
    expect(page.get_by_test_id("run-digest")).to_have_text(SHA256)
    expect(page.get_by_test_id("run-status-value")).to_have_text("finished")
    expect(page.get_by_test_id("run-status-history").locator("li")).to_have_count(2)
    charts = page.get_by_test_id("run-metrics").get_by_test_id("metric-chart")
    expect(charts).to_have_count(2)
    expect(charts.first).to_have_attribute("data-points", str(STEPS))
    expect(charts.first.locator("canvas")).to_have_count(1)

    # Hovering the plot shows the values at the cursor.
    plot = charts.first.locator(".u-over")
    plot.hover()  # scrolls it into view, then moves the mouse over it
    box = plot.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + box["height"] / 2)
    expect(charts.first.get_by_test_id("chart-tooltip")).to_contain_text("step")

    # Export PNG: a real PNG file named after the metric.
    with page.expect_download() as download:
        charts.first.get_by_test_id("chart-export-png").click()
    saved = download.value
    assert saved.suggested_filename in {"loss.png", "val_auc.png"}
    assert Path(saved.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Inputs and outputs, each linked to the lineage explorer.
    expect(page.get_by_test_id("run-inputs").get_by_test_id("run-lineage-node")).to_have_count(1)
    input_link = page.get_by_test_id("run-inputs").get_by_role("link")
    expect(input_link).to_have_attribute("href", f"/entities/{quote(runs.dataset_id, safe='')}/lineage")
    expect(input_link).to_contain_text("clicks@2026-11")
    output_link = page.get_by_test_id("run-outputs").get_by_role("link")
    expect(output_link).to_have_attribute("href", f"/entities/{quote(runs.model_id, safe='')}/lineage")
    shot(page, "run")
    output_link.click()
    expect(page.get_by_test_id("lineage-explorer")).to_be_visible()


def test_missing_or_malformed_ids_show_not_found(runs: Runs, dana: Session) -> None:
    for path in ["/runs/0b9a4a9e-2f6c-4c43-9d3e-5b8f0e0c1d2a", "/runs/no-such-run",
                 "/experiments/0b9a4a9e-2f6c-4c43-9d3e-5b8f0e0c1d2a", "/experiments/no-such-experiment"]:
        page = dana.goto(path)
        expect(page.get_by_test_id("not-found")).to_be_visible()
