"""The benchmark cannot rot: a 2,000-entity run of the whole of `python -m bench run` (ingest into
provgraph, raw Cypher and ML Metadata; lineage, impact, propagation, authorization) against the test
session's Neo4j. No timing is asserted; every section must be there and the three systems must agree."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from provgraph.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = {"meta", "ingest", "floor", "lineage", "authorization", "impact", "propagation", "checks", "targets"}


def _bench(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    """`python -m bench <args>` against the test session's Neo4j; it must succeed."""
    env = {**os.environ, "NEO4J_URI": settings.neo4j_uri}
    done = subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def test_the_bench_runs_end_to_end_at_2k_and_the_systems_agree(settings: Settings, tmp_path: Path) -> None:
    _bench(settings, "run", "--size", "2k", "--starts", "3", "--out", str(tmp_path))
    results = json.loads((tmp_path / "results-2k.json").read_text())

    assert SECTIONS <= results.keys()
    assert results["meta"]["entities"] >= 1_900
    assert set(results["lineage"]) == {"2", "4", "6"}
    assert results["checks"] == {
        "lineage_node_sets_equal": True,
        "impact_totals_equal": True,
        "propagation_assignments_equal": True,
    }
    assert results["propagation"]["assignments"] > 0
    authorization = results["authorization"]
    assert 0 <= authorization["restricted_p50"] <= authorization["nodes_p50"]
    assert authorization["admin"]["n"] == authorization["data-scientist"]["n"] == 3
    assert results["floor"]["provgraph"]["n"] == results["floor"]["raw_cypher"]["n"] == 40
    # MLMD is compared when ml-metadata imports (the `bench` extra); otherwise the output says why not.
    if "ml-metadata" in results["meta"]["mlmd"]:
        assert "mlmd" in results["ingest"] and all("mlmd" in row for row in results["lineage"].values())
    else:
        assert "mlmd" not in results["ingest"], results["meta"]["mlmd"]
    # The chart is drawn whenever matplotlib is installed (the `bench` extra).
    assert (tmp_path / "results-2k.png").exists() == (importlib.util.find_spec("matplotlib") is not None)


def test_the_ui_bench_runs_on_small_lineages(settings: Settings, tmp_path: Path) -> None:
    """`python -m bench ui` end to end on a small graph: the explorer drew every node of each lineage
    (checked against the generator's own BFS), the bare request was replayed, frames were counted."""
    done = _bench(settings, "ui", "--part", "lineage", "--sizes", "30,120", "--repeats", "1", "--out", str(tmp_path))
    results = json.loads((tmp_path / "results-ui.json").read_text())
    assert set(results["lineage"]) == {"30", "120"}
    for row in results["lineage"].values():
        assert row["nodes"] == row["expected_nodes"] > 1
        assert row["console_p50_ms"] > 0 and row["bare_p50_ms"] > 0
    assert results["panning"]["frames"] > 10 and results["panning"]["nodes"] == results["lineage"]["120"]["nodes"]
    assert "nav -> drawn" in done.stdout and "panning" in done.stdout


def test_the_ui_bench_part2_runs_on_a_small_experiment(settings: Settings, tmp_path: Path) -> None:
    """`python -m bench ui --part experiments` end to end, small: the runs table scrolled past its first
    server page, compare and the long chart were measured against their bare requests, and the long
    series reached the browser downsampled."""
    done = _bench(
        settings, "ui", "--part", "experiments", "--runs", "300", "--points", "5000", "--repeats", "1", "--out", str(tmp_path)
    )
    results = json.loads((tmp_path / "results-ui-part2.json").read_text())
    assert results["runs"] == 300 and results["points"] == 5000
    for key in ("first_rows", "compare", "long_chart"):
        assert results[key]["console_p50_ms"] > 0 and results[key]["bare_p50_ms"] > 0
    assert results["scroll"]["frames"] > 10
    assert all(results["checks"].values()), results["checks"]
    assert "compare" in done.stdout


def test_the_event_loop_bench_runs_on_small_batches(settings: Settings, tmp_path: Path) -> None:
    """`python -m bench loop` end to end with small batches: both mutations answered in full (the bench
    asserts it), the ticker ran in the API's own process during them and while idle. No timing is
    asserted: the gaps are reported, not judged here."""
    done = _bench(settings, "loop", "--size", "300", "--batches", "1", "--out", str(tmp_path))
    result = json.loads((tmp_path / "results-loop.json").read_text())
    assert result["size"] == 300 and result["batches"] == 1
    assert result["answer_s_median"] > 0 and result["record_processes_s_median"] > 0
    assert set(result) >= {"max_gap_ms", "idle_max_gap_ms", "gaps_over_100_ms", "longest_gaps_ms"}
    assert "longest event-loop gap" in done.stdout
