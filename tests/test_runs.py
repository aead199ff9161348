"""Runs: typed parameters, metric series, status, code/environment/hardware, inputs and outputs, and the
queries over them (a run with its series, runs filtered and sorted, runs side by side)."""

from __future__ import annotations

import hashlib
import math

from .graph import dataset, live_edges, upsert
from .mlops import (
    FINISH,
    LOG_INPUTS,
    LOG_METRICS,
    LOG_OUTPUTS,
    LOG_PARAMS,
    POINTS,
    RUN,
    RUNS,
    SET_TAGS,
    audit_actions,
    finish,
    log_metrics,
    start_run,
)

PACKAGES = ["torch==2.4.0", "numpy==2.1.0", "scikit-learn==1.5.2"]


# -- starting and ending ----------------------------------------------------------------------------


def test_a_started_run_records_its_code_environment_and_hardware(as_role):
    scientist = as_role("data-scientist", name="alice")
    run = start_run(
        scientist,
        "mlflow://acme/churn",
        name="train #1",
        tags={"team": "retention"},
        code={"commit": "c0ffee1", "repoUrl": "git@github.com:acme/churn.git", "branch": "main", "dirty": True},
        environment={"pythonVersion": "3.11.7", "os": "Linux-6.1-x86_64", "packages": PACKAGES},
        hardware={"cpuCount": 16, "memoryBytes": 68_719_476_736, "gpus": ["NVIDIA A100 80GB"]},
    )
    assert run["status"] == "RUNNING" and run["startedAt"] and run["endedAt"] is None
    assert run["name"] == "train #1" and run["experimentId"]
    assert run["code"] == {"commit": "c0ffee1", "repoUrl": "git@github.com:acme/churn.git", "branch": "main", "dirty": True}
    assert run["environment"]["packages"] == sorted(PACKAGES)
    # The digest is the SHA-256 of the sorted list joined by newlines: the same environment, the same digest.
    assert run["environment"]["packagesDigest"] == hashlib.sha256("\n".join(sorted(PACKAGES)).encode()).hexdigest()
    assert run["hardware"] == {"cpuCount": 16, "memoryBytes": 68_719_476_736, "gpus": ["NVIDIA A100 80GB"], "peakMemoryBytes": None}
    assert run["tags"] == [{"name": "team", "value": "retention"}]


def test_the_experiment_contains_the_run_and_the_starter_owns_it(as_role, neo4j_driver):
    scientist = as_role("data-scientist", name="alice")
    run = start_run(scientist, "mlflow://acme/churn")
    with neo4j_driver.session() as session:
        row = session.run(
            "MATCH (x:Experiment)-[:HAS_RUN]->(r:Run {id: $id}) RETURN x.qualifiedName AS x, r.owners AS owners", id=run["id"]
        ).single()
    assert row["x"] == "mlflow://acme/churn" and row["owners"] == ["alice"]


def test_a_package_digest_that_does_not_match_the_list_is_bad_input(admin):
    error = admin.error(
        "mutation($in: StartRunInput!) { startRun(input: $in) { id } }",
        {"in": {"experiment": "exp", "environment": {"packages": PACKAGES, "packagesDigest": "0" * 64}}},
    )
    assert error["extensions"]["code"] == "BAD_INPUT" and "input.environment.packagesDigest" in error["message"]


def test_finishing_records_the_end_and_peak_memory(admin):
    run = start_run(admin)
    ended = admin.data(FINISH, {"run": run["id"], "status": "FINISHED", "hw": {"peakMemoryBytes": 5_368_709_120}})["finishRun"]
    assert ended["status"] == "FINISHED" and ended["endedAt"] >= ended["startedAt"]
    assert ended["hardware"]["peakMemoryBytes"] == 5_368_709_120


def test_finishing_again_is_harmless_but_another_status_is_a_conflict(admin):
    run = start_run(admin)
    finish(admin, run["id"], "FAILED")
    assert finish(admin, run["id"], "FAILED")["status"] == "FAILED"
    error = admin.error(FINISH, {"run": run["id"], "status": "FINISHED"})
    assert error["extensions"]["code"] == "CONFLICT" and "already ended FAILED" in error["message"]


def test_a_run_cannot_end_running(admin):
    run = start_run(admin)
    error = admin.error(FINISH, {"run": run["id"], "status": "RUNNING"})
    assert error["extensions"]["code"] == "BAD_INPUT"


# -- parameters and tags ----------------------------------------------------------------------------


def test_parameters_keep_their_types(admin):
    run = start_run(admin)
    admin.data(LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.003, "epochs": 20, "early_stop": True, "optimizer": "adam"}})
    params = admin.data(RUN, {"id": run["id"]})["run"]["params"]
    assert params == [
        {"name": "early_stop", "type": "BOOL", "value": True},
        {"name": "epochs", "type": "INT", "value": 20},
        {"name": "lr", "type": "FLOAT", "value": 0.003},
        {"name": "optimizer", "type": "STRING", "value": "adam"},
    ]


def test_a_parameter_repeated_with_the_same_value_is_harmless(admin):
    run = start_run(admin)
    admin.data(LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.01}})
    admin.data(LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.01}})
    assert admin.data(RUN, {"id": run["id"]})["run"]["params"] == [{"name": "lr", "type": "FLOAT", "value": 0.01}]


def test_a_parameter_repeated_with_another_value_is_a_conflict_and_nothing_of_the_call_is_kept(admin):
    run = start_run(admin)
    admin.data(LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.01}})
    error = admin.error(LOG_PARAMS, {"run": run["id"], "p": {"batch": 64, "lr": 0.02}})
    assert error["extensions"]["code"] == "CONFLICT"
    assert "params.lr" in error["message"] and "0.01" in error["message"] and "0.02" in error["message"]
    assert admin.data(RUN, {"id": run["id"]})["run"]["params"] == [{"name": "lr", "type": "FLOAT", "value": 0.01}]


def test_a_parameter_repeated_with_another_type_is_a_conflict(admin):
    run = start_run(admin)
    admin.data(LOG_PARAMS, {"run": run["id"], "p": {"depth": 6}})
    assert admin.error(LOG_PARAMS, {"run": run["id"], "p": {"depth": "6"}})["extensions"]["code"] == "CONFLICT"


def test_a_nested_parameter_value_is_bad_input(admin):
    run = start_run(admin)
    error = admin.error(LOG_PARAMS, {"run": run["id"], "p": {"optimizer": {"lr": 0.1}}})
    assert error["extensions"]["code"] == "BAD_INPUT" and "params.optimizer" in error["message"]


def test_tags_may_be_overwritten(admin):
    run = start_run(admin, tags={"stage": "dev"})
    tags = admin.data(SET_TAGS, {"run": run["id"], "t": {"stage": "candidate", "owner": "alice"}})["setRunTags"]
    assert tags == [{"name": "owner", "value": "alice"}, {"name": "stage", "value": "candidate"}]
    assert admin.data(RUN, {"id": run["id"]})["run"]["tags"] == tags


# -- metrics ----------------------------------------------------------------------------------------


def test_thousands_of_points_are_one_call_and_the_summary_follows(admin):
    run = start_run(admin)
    losses = [1.0 / (step + 1) for step in range(5000)]
    [series] = log_metrics(admin, run["id"], {"name": "loss", "steps": list(range(5000)), "values": losses})
    assert series["count"] == 5000 and series["lastStep"] == 4999
    assert series["last"] == losses[-1] and series["min"] == losses[-1] and series["max"] == 1.0
    points = admin.data(POINTS, {"id": run["id"], "name": "loss", "max": 5000})["run"]["metric"]["points"]
    assert [(p["step"], p["value"]) for p in points] == list(enumerate(losses))
    # Fewer than the series holds: a downsample (tests/test_metric_downsampling.py), here its two ends.
    points = admin.data(POINTS, {"id": run["id"], "name": "loss", "max": 3})["run"]["metric"]["points"]
    assert [(p["step"], p["value"]) for p in points] == [(0, 1.0), (4999, losses[-1])]


def test_points_without_steps_continue_the_series(admin):
    run = start_run(admin)
    log_metrics(admin, run["id"], {"name": "acc", "values": [0.5, 0.6]})
    [series] = log_metrics(admin, run["id"], {"name": "acc", "values": [0.7]})
    assert (series["count"], series["lastStep"], series["last"]) == (3, 2, 0.7)
    points = admin.data(POINTS, {"id": run["id"], "name": "acc"})["run"]["metric"]["points"]
    assert [(p["step"], p["value"]) for p in points] == [(0, 0.5), (1, 0.6), (2, 0.7)]


def test_last_is_the_value_at_the_largest_step_whatever_order_points_arrive_in(admin):
    run = start_run(admin)
    log_metrics(admin, run["id"], {"name": "val_auc", "steps": [10, 20], "values": [0.80, 0.85]})
    [series] = log_metrics(admin, run["id"], {"name": "val_auc", "steps": [5], "values": [0.70]})
    assert (series["last"], series["lastStep"], series["min"], series["max"]) == (0.85, 20, 0.70, 0.85)


def test_many_series_in_one_call(admin):
    run = start_run(admin)
    series = log_metrics(
        admin, run["id"], {"name": "loss", "values": [0.9, 0.4]}, {"name": "val_auc", "values": [0.7, 0.8]}
    )
    assert {s["name"]: s["count"] for s in series} == {"loss": 2, "val_auc": 2}


def test_nan_and_infinity_are_stored_as_such_and_min_and_max_skip_nan(admin):
    run = start_run(admin)
    [series] = log_metrics(admin, run["id"], {"name": "loss", "values": [0.5, "Infinity", 0.25, "NaN"]})
    assert series["count"] == 4
    assert series["last"] == "NaN"  # a diverged loss is information
    assert (series["min"], series["max"]) == (0.25, "Infinity")
    points = admin.data(POINTS, {"id": run["id"], "name": "loss"})["run"]["metric"]["points"]
    assert [p["value"] for p in points] == [0.5, "Infinity", 0.25, "NaN"]


def test_a_series_of_only_nan_has_no_min_or_max(admin):
    run = start_run(admin)
    [series] = log_metrics(admin, run["id"], {"name": "grad_norm", "values": ["NaN", "nan"]})
    assert (series["min"], series["max"], series["last"], series["count"]) == (None, None, "NaN", 2)


def test_a_value_that_is_not_a_number_is_bad_input_naming_the_point(admin):
    run = start_run(admin)
    error = admin.error(LOG_METRICS, {"run": run["id"], "m": [{"name": "loss", "values": [0.1, 0.2, "lots"]}]})
    assert error["extensions"]["code"] == "BAD_INPUT" and "metrics[0].values[2]" in error["message"]
    assert admin.data(RUN, {"id": run["id"]})["run"]["metrics"] == []


def test_steps_and_values_of_different_lengths_are_bad_input(admin):
    run = start_run(admin)
    error = admin.error(LOG_METRICS, {"run": run["id"], "m": [{"name": "loss", "steps": [0, 1], "values": [0.1]}]})
    assert error["extensions"]["code"] == "BAD_INPUT" and "metrics[0].steps" in error["message"]


def test_explicit_timestamps_are_kept(admin):
    run = start_run(admin)
    log_metrics(admin, run["id"], {"name": "loss", "values": [0.3], "timestamps": ["2026-01-02T03:04:05.678+00:00"]})
    [point] = admin.data(POINTS, {"id": run["id"], "name": "loss"})["run"]["metric"]["points"]
    assert point["timestamp"].startswith("2026-01-02T03:04:05.678")


def test_times_may_be_sent_as_epoch_milliseconds_but_not_twice(admin):
    run = start_run(admin)
    log_metrics(admin, run["id"], {"name": "loss", "values": [0.3], "epochMillis": [1767323045678]})
    [point] = admin.data(POINTS, {"id": run["id"], "name": "loss"})["run"]["metric"]["points"]
    assert point["timestamp"].startswith("2026-01-02T03:04:05.678")
    error = admin.error(LOG_METRICS, {"run": run["id"], "m": [
        {"name": "loss", "values": [0.3], "epochMillis": [1767323045678], "timestamps": ["2026-01-02T03:04:05Z"]}]})
    assert error["extensions"]["code"] == "BAD_INPUT" and "metrics[0].epochMillis" in error["message"]


# -- an ended run is closed -------------------------------------------------------------------------


def test_logging_to_a_finished_run_is_a_conflict(admin):
    upsert(admin, dataset("s3://lake/events"))
    run = start_run(admin)
    admin.data(LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.1}})
    finish(admin, run["id"])
    attempts = [
        (LOG_PARAMS, {"run": run["id"], "p": {"epochs": 3}}),
        (LOG_METRICS, {"run": run["id"], "m": [{"name": "loss", "values": [0.1]}]}),
        (SET_TAGS, {"run": run["id"], "t": {"late": "yes"}}),
        (LOG_INPUTS, {"run": run["id"], "in": [{"type": "DATASET", "qualifiedName": "s3://lake/events"}]}),
    ]
    for document, variables in attempts:
        error = admin.error(document, variables)
        assert error["extensions"]["code"] == "CONFLICT" and "FINISHED" in error["message"], document
    assert [p["name"] for p in admin.data(RUN, {"id": run["id"]})["run"]["params"]] == ["lr"]


# -- lineage ----------------------------------------------------------------------------------------


def test_inputs_and_outputs_are_lineage_edges(admin, neo4j_driver):
    upsert(admin, dataset("s3://lake/features"))
    run = start_run(admin, qualifiedName="mlflow://acme/churn/runs/7")
    inputs = admin.data(LOG_INPUTS, {"run": run["id"], "in": [{"type": "DATASET", "qualifiedName": "s3://lake/features"}]})
    outputs = admin.data(LOG_OUTPUTS, {"run": run["id"], "out": [{"type": "ARTIFACT", "qualifiedName": "s3://ml/report.html"}]})
    assert len(inputs["logRunInputs"]) == 1 and len(outputs["logRunOutputs"]) == 1
    assert {
        ("s3://lake/features", "INPUT_TO", "mlflow://acme/churn/runs/7"),
        ("mlflow://acme/churn/runs/7", "PRODUCED", "s3://ml/report.html"),
    } <= live_edges(neo4j_driver)
    shown = admin.data(RUN, {"id": run["id"]})["run"]
    assert shown["inputIds"] == inputs["logRunInputs"] and shown["outputIds"] == outputs["logRunOutputs"]


def test_a_run_cannot_read_a_deployment(admin):
    deployment = upsert(admin, {"type": "DEPLOYMENT", "qualifiedName": "k8s://prod/x"})[0]
    run = start_run(admin)
    error = admin.error(LOG_INPUTS, {"run": run["id"], "in": [{"id": deployment["id"]}]})
    assert error["extensions"]["code"] == "BAD_INPUT" and "inputs[0]" in error["message"]


def test_a_run_reading_pii_carries_it_and_is_hidden_from_a_viewer(admin, as_role):
    customers = upsert(admin, dataset("postgres://crm/customers"))[0]
    admin.data("mutation($id: ID!) { classify(entityId: $id, name: \"PII\") { id } }", {"id": customers["id"]})
    run = start_run(admin)
    admin.data(LOG_INPUTS, {"run": run["id"], "in": [{"id": customers["id"]}]})
    viewer = as_role("viewer")
    assert viewer.data(RUN, {"id": run["id"]})["run"] is None
    assert admin.data(RUN, {"id": run["id"]})["run"]["id"] == run["id"]


# -- authorization and audit ------------------------------------------------------------------------


def test_a_viewer_may_read_runs_but_not_start_or_log(admin, as_role):
    viewer = as_role("viewer")
    error = viewer.error("mutation { startRun(input: {experiment: \"exp\"}) { id } }")
    assert error["extensions"]["code"] == "FORBIDDEN"
    run = start_run(admin)
    assert viewer.data(RUN, {"id": run["id"]})["run"]["id"] == run["id"]
    assert viewer.error(LOG_PARAMS, {"run": run["id"], "p": {"lr": 1}})["extensions"]["code"] == "FORBIDDEN"


def test_starting_logging_and_finishing_are_audited(as_role, neo4j_driver):
    scientist = as_role("data-scientist", name="alice")
    run = start_run(scientist)
    scientist.data(LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.1}})
    finish(scientist, run["id"])
    assert audit_actions(neo4j_driver, run["id"]) == [
        ("alice", "start-run", "allow"),
        ("alice", "log-params", "allow"),
        ("alice", "finish-run", "allow"),
    ]


def test_an_unknown_run_is_not_found(admin):
    error = admin.error(LOG_PARAMS, {"run": "00000000-0000-4000-8000-000000000000", "p": {"lr": 1}})
    assert error["extensions"]["code"] == "NOT_FOUND" and "runId" in error["message"]


# -- querying runs ----------------------------------------------------------------------------------


def _sweep(admin):
    """Four runs of one experiment: (name, lr, final val_auc), and one run that never logged val_auc."""
    ids = {}
    for name, lr, auc in [("a", 0.1, 0.81), ("b", 0.003, 0.86), ("c", 0.001, 0.84), ("d", 0.005, 0.79)]:
        run = start_run(admin, "mlflow://acme/sweep", name=name)
        admin.data(LOG_PARAMS, {"run": run["id"], "p": {"lr": lr, "optimizer": "adam"}})
        log_metrics(admin, run["id"], {"name": "val_auc", "values": [auc - 0.1, auc]})
        ids[name] = run["id"]
    silent = start_run(admin, "mlflow://acme/sweep", name="e")
    admin.data(LOG_PARAMS, {"run": silent["id"], "p": {"lr": 0.002}})
    ids["e"] = silent["id"]
    return admin.data(RUN, {"id": ids["a"]})["run"]["experimentId"], ids


def names(result):
    return [edge["node"]["name"] for edge in result["runs"]["edges"]]


def test_best_val_auc_where_lr_is_below_a_hundredth(admin):
    experiment, _ = _sweep(admin)
    result = admin.data(
        RUNS,
        {
            "exp": experiment,
            "filter": [{"param": "lr", "comparison": "LT", "value": 0.01}],
            "order": {"metric": "val_auc", "aggregate": "LAST", "direction": "DESC"},
        },
    )
    # a (lr 0.1) is filtered out; e never logged val_auc, so it sorts last.
    assert names(result) == ["b", "c", "d", "e"] and result["runs"]["totalCount"] == 4


def test_runs_filtered_by_a_metric_aggregate(admin):
    experiment, _ = _sweep(admin)
    result = admin.data(
        RUNS, {"exp": experiment, "filter": [{"metric": "val_auc", "aggregate": "MAX", "comparison": "GTE", "value": 0.84}]}
    )
    assert sorted(names(result)) == ["b", "c"]


def test_runs_sorted_by_a_parameter_ascending(admin):
    experiment, _ = _sweep(admin)
    result = admin.data(RUNS, {"exp": experiment, "order": {"param": "lr", "direction": "ASC"}})
    assert names(result) == ["c", "e", "b", "d", "a"]


def test_a_string_parameter_never_matches_a_number_comparison(admin):
    experiment, _ = _sweep(admin)
    result = admin.data(RUNS, {"exp": experiment, "filter": [{"param": "optimizer", "comparison": "LT", "value": 1}]})
    assert names(result) == []


def test_runs_paginate_with_cursors(admin):
    experiment, _ = _sweep(admin)
    order = {"metric": "val_auc", "direction": "DESC"}
    first = admin.data(RUNS, {"exp": experiment, "order": order, "first": 2})
    assert names(first) == ["b", "c"] and first["runs"]["pageInfo"]["hasNextPage"]
    second = admin.data(RUNS, {"exp": experiment, "order": order, "first": 2, "after": first["runs"]["pageInfo"]["endCursor"]})
    assert names(second) == ["a", "d"]


def test_a_filter_on_both_a_param_and_a_metric_is_bad_input(admin):
    experiment, _ = _sweep(admin)
    error = admin.error(RUNS, {"exp": experiment, "filter": [{"param": "lr", "metric": "x", "comparison": "LT", "value": 1}]})
    assert error["extensions"]["code"] == "BAD_INPUT" and "filter[0]" in error["message"]


def test_compare_runs_side_by_side(admin):
    _, ids = _sweep(admin)
    result = admin.data(
        """query($ids: [ID!]!) { compareRuns(ids: $ids, metrics: ["val_auc"], aggregate: MAX) {
             runs { name } params { name values } metrics { name values } } }""",
        {"ids": [ids["b"], ids["e"], ids["a"]]},
    )["compareRuns"]
    assert [r["name"] for r in result["runs"]] == ["b", "e", "a"]
    assert result["params"] == [
        {"name": "lr", "values": [0.003, 0.002, 0.1]},
        {"name": "optimizer", "values": ["adam", None, "adam"]},
    ]
    [auc] = result["metrics"]
    assert auc["name"] == "val_auc" and auc["values"][1] is None
    assert math.isclose(auc["values"][0], 0.86) and math.isclose(auc["values"][2], 0.81)


def test_entities_a_run_creates_by_reference_are_audited(admin):
    run = start_run(admin, experiment="mlflow://acme/new-experiment")
    admin.data(LOG_INPUTS, {"run": run["id"], "in": [{"type": "DATASET", "qualifiedName": "s3://new/features"}]})
    events = admin.data(
        '{ auditEvents(principal: "admin", action: "write", first: 100) { edges { node { resourceType details } } } }'
    )["auditEvents"]["edges"]
    created = sorted(e["node"]["resourceType"] for e in events if e["node"]["details"].get("operation") == "created by reference")
    assert created == ["Dataset", "Experiment"]
