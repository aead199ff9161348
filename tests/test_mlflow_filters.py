"""MLflow's search grammar: good filters parse into conditions, malformed ones name the token; and
the compiled conditions select runs in Cypher exactly as MLflow would."""

from __future__ import annotations

import pytest

from provgraph.api.mlflow.filters import parse_filter, parse_order_by
from provgraph.domain.errors import BadInput
from provgraph.domain.run_search import RunCondition, RunSortKey, SearchField, SearchOp, like_regex

M, P, T, A, D = SearchField.METRIC, SearchField.PARAM, SearchField.TAG, SearchField.ATTRIBUTE, SearchField.DATASET


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metrics.loss < 1", [RunCondition(M, "loss", SearchOp.LT, 1.0)]),
        ("metrics.loss<=-1e-3", [RunCondition(M, "loss", SearchOp.LTE, -1e-3)]),
        ("params.penalty = 'l2'", [RunCondition(P, "penalty", SearchOp.EQ, "l2")]),
        ('param.penalty != "l1"', [RunCondition(P, "penalty", SearchOp.NE, "l1")]),
        ("tags.`my key` = 'it''s'", [RunCondition(T, "my key", SearchOp.EQ, "it's")]),
        ('tags."mlflow.user" = \'sam\'', [RunCondition(T, "mlflow.user", SearchOp.EQ, "sam")]),
        ("params.optimizer.lr = '0.1'", [RunCondition(P, "optimizer.lr", SearchOp.EQ, "0.1")]),
        ("attributes.status IN ('FINISHED', 'FAILED')", [RunCondition(A, "status", SearchOp.IN, ["FINISHED", "FAILED"])]),
        ("status NOT IN ('KILLED')", [RunCondition(A, "status", SearchOp.NOT_IN, ["KILLED"])]),
        ("attr.start_time >= 1700000000000", [RunCondition(A, "start_time", SearchOp.GTE, 1.7e12)]),
        ("run.run_name LIKE 'base%'", [RunCondition(A, "run_name", SearchOp.LIKE, like_regex("base%", False))]),
        ("tags.team ILIKE '_isk'", [RunCondition(T, "team", SearchOp.ILIKE, like_regex("_isk", True))]),
        ("tags.team IS NULL", [RunCondition(T, "team", SearchOp.IS_NULL)]),
        ("metrics.auc is not null", [RunCondition(M, "auc", SearchOp.IS_NOT_NULL)]),
        ("datasets.context = 'train' and datasets.digest = 'abc'",
         [RunCondition(D, "context", SearchOp.EQ, "train"), RunCondition(D, "digest", SearchOp.EQ, "abc")]),
        ("metrics.loss < 1 AND params.penalty = 'l2' and tags.team = 'risk'",
         [RunCondition(M, "loss", SearchOp.LT, 1.0), RunCondition(P, "penalty", SearchOp.EQ, "l2"),
          RunCondition(T, "team", SearchOp.EQ, "risk")]),
        ("", []),
    ],
)
def test_good_filters_parse(text, expected):
    assert parse_filter(text) == expected


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("metrics.loss <", "the end of the filter"),
        ("metrics.loss < 'low'", "'low'"),
        ("params.penalty < 'l2'", "'<'"),
        ("params.penalty = 2", "'2'"),
        ("foo.bar = 'x'", "'foo'"),
        ("loss < 1", "'loss'"),
        ("metrics.loss < 1 or params.a = 'b'", "'OR'"),
        ("metrics.loss < 1 params.a = 'b'", "'params'"),
        ("attributes.color = 'red'", "'color'"),
        ("datasets.size = '1'", "datasets.size"),
        ("tags.team IS 'x'", "'x'"),
        ("status IN 'FINISHED'", "'FINISHED'"),
        ("status IN ('A', ", "the end of the filter"),
        ("metrics.loss ~ 1", "'~"),
        ("metrics.loss LIKE '%a'", "'LIKE'"),
    ],
)
def test_malformed_filters_name_the_token(text, named):
    with pytest.raises(BadInput) as raised:
        parse_filter(text)
    assert named in raised.value.message and raised.value.message.startswith("filter:")


def test_order_by_takes_one_key_and_a_direction():
    assert parse_order_by(["metrics.loss DESC"]) == RunSortKey(M, "loss", True)
    assert parse_order_by(["attributes.start_time"]) == RunSortKey(A, "start_time", False)
    assert parse_order_by([]) is None
    with pytest.raises(BadInput, match="'sideways'"):
        parse_order_by(["metrics.loss sideways"])


def test_like_is_literal_except_its_wildcards():
    import re

    regex = like_regex("a.b%_", False)
    assert re.fullmatch(regex.removeprefix("(?s)"), "a.bxyz1") and not re.fullmatch(regex.removeprefix("(?s)"), "aXbxyz1")


# -- compiled into Cypher: the conditions select runs inside the query ---------------------------------

START = "mutation($in: StartRunInput!) { startRun(input: $in) { id experimentId } }"
PARAMS = "mutation($id: ID!, $p: JSON!) { logParams(runId: $id, params: $p) { name } }"
METRICS = "mutation($id: ID!, $m: [MetricBatchInput!]!) { logMetrics(runId: $id, metrics: $m) { name } }"
TAGS = "mutation($id: ID!, $t: JSON!) { setRunTags(runId: $id, tags: $t) { name } }"


def _run(admin, name: str, loss: float, penalty: str, team: str | None) -> tuple[str, str]:
    run = admin.data(START, {"in": {"experiment": "search", "name": name}})["startRun"]
    admin.data(PARAMS, {"id": run["id"], "p": {"penalty": penalty}})
    admin.data(METRICS, {"id": run["id"], "m": [{"name": "loss", "values": [loss + 1, loss], "steps": [0, 1]}]})
    if team:
        admin.data(TAGS, {"id": run["id"], "t": {"team": team}})
    return run["id"], run["experimentId"]


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("metrics.loss < 0.5", "metrics.loss ASC", ["b", "a"]),
        ("params.penalty = 'l2'", "metrics.loss DESC", ["c", "a"]),
        ("params.penalty != 'l2'", None, ["b"]),
        ("tags.team IS NULL", None, ["c"]),
        ("tags.team IN ('risk', 'ops')", "attributes.run_name", ["a", "b"]),
        ("tags.team ILIKE 'RI%'", None, ["a"]),
        ("attributes.run_name LIKE '_'", "attributes.run_name DESC", ["c", "b", "a"]),
        ("attributes.status = 'RUNNING' and metrics.loss >= 0.1", "metrics.loss", ["b", "a", "c"]),
        ("metrics.missing > 0", None, []),
    ],
)
def test_conditions_select_runs_in_the_query(admin, services, http, text, order, expected):
    from provgraph.domain.principals import Principal  # noqa: F401  (the admin principal comes from its token)
    from provgraph.domain.run_search import RunSearch

    ids = {}
    for name, loss, penalty, team in (("a", 0.4, "l2", "risk"), ("b", 0.2, "l1", "ops"), ("c", 0.9, "l2", None)):
        ids[name], experiment = _run(admin, name, loss, penalty, team)
    principal = http.portal.call(services.principals.authenticate, admin.token)
    query = RunSearch([experiment], parse_filter(text), parse_order_by([order] if order else []), 100)
    page = http.portal.call(services.runs.search, principal, query)
    by_id = {v: k for k, v in ids.items()}
    assert [by_id[r.id] for r in page.items] == expected and page.total == len(expected)
