"""MLflow's filter and order_by grammar on experiments/search, registered-models/search and
model-versions/search, through the stock client (issue 15): compiled into one Cypher query each, bad
input INVALID_PARAMETER_VALUE naming the token."""

from __future__ import annotations

import pytest
from mlflow.exceptions import MlflowException

from .test_mlflow_client import as_mlflow, mlflow_url, token  # noqa: F401  (fixtures)


def refused(call) -> str:
    with pytest.raises(MlflowException) as raised:
        call()
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE", raised.value
    return raised.value.message


def test_experiments_by_name_patterns_and_several_sort_keys(admin, as_mlflow):
    client = as_mlflow(admin.token)
    for name in ("search/alpha", "search/beta", "search/gamma", "other/delta"):
        client.create_experiment(name)

    def names(filter_string=None, order_by=None):
        return [e.name for e in client.search_experiments(filter_string=filter_string, order_by=order_by)]

    assert names("name LIKE 'search/%'", ["name DESC"]) == ["search/gamma", "search/beta", "search/alpha"]
    assert names("name ILIKE 'SEARCH/A%'") == ["search/alpha"]
    assert names("attributes.name != 'search/beta' and name LIKE 'search/%'", ["name"]) == ["search/alpha", "search/gamma"]
    assert names("name = 'other/delta' and creation_time > 0") == ["other/delta"]
    assert names("name = 'other/delta' and creation_time < 0") == []
    newest_first = names("name LIKE '%/%'")  # the default order: newest first
    assert newest_first == ["other/delta", "search/gamma", "search/beta", "search/alpha"]
    assert names("name LIKE '%/%'", ["last_update_time ASC", "name DESC"]) == list(reversed(newest_first))

    assert "'OR' at position 11" in refused(lambda: names("name = 'a' or name = 'b'"))
    # No MLflow tags are kept on experiments: a lacking tag satisfies != and NOT IN only.
    assert names("name LIKE 'search/%' and tags.team = 'risk'") == []
    assert names("name LIKE 'search/a%' and tags.team != 'risk'") == ["search/alpha"]
    assert "'tags.team'" in refused(lambda: names(None, ["tags.team"]))
    assert "'LIKE'" in refused(lambda: names("creation_time LIKE '1%'"))
    assert "'sideways'" in refused(lambda: names(None, ["name sideways"]))
    assert "'experiment_idx'" in refused(lambda: names(None, ["experiment_idx"]))


def test_registered_models_and_versions_by_name_run_and_number(admin, as_mlflow):
    client = as_mlflow(admin.token)
    experiment = client.create_experiment("search/registry")
    first, second = (client.create_run(experiment).info.run_id for _ in range(2))
    for name in ("rs-a", "rs-b", "zz-other"):
        client.create_registered_model(name)
    client.create_model_version("rs-a", "mlflow-artifacts:/a1", run_id=first)
    client.create_model_version("rs-a", "mlflow-artifacts:/a2", run_id=second)
    client.create_model_version("rs-b", "mlflow-artifacts:/b1", run_id=first)

    models = client.search_registered_models(filter_string="name LIKE 'rs-%'", order_by=["name DESC"])
    assert [m.name for m in models] == ["rs-b", "rs-a"]
    assert [m.name for m in client.search_registered_models(filter_string="name != 'rs-a'")] == ["rs-b", "zz-other"]
    assert [m.name for m in client.search_registered_models(filter_string="name ILIKE 'ZZ%'")] == ["zz-other"]

    def versions(filter_string=None, order_by=None):
        found = client.search_model_versions(filter_string=filter_string, order_by=order_by)
        return [(v.name, int(v.version)) for v in found]

    assert versions("name = 'rs-a'", ["version_number DESC"]) == [("rs-a", 2), ("rs-a", 1)]
    assert versions(f"run_id = '{first}'", ["name ASC", "version_number DESC"]) == [("rs-a", 1), ("rs-b", 1)]
    assert versions(f"run_id IN ('{first}', '{second}') and version_number > 1") == [("rs-a", 2)]
    assert versions(f"run_id != '{first}'") == [("rs-a", 2)]
    assert versions("name LIKE 'rs-%'", ["name DESC", "version_number ASC"]) == [("rs-b", 1), ("rs-a", 1), ("rs-a", 2)]
    assert versions("name LIKE 'rs-%' and version_number <= 1", ["creation_timestamp"]) == [("rs-a", 1), ("rs-b", 1)]

    assert "'version_number'" in refused(lambda: client.search_registered_models(filter_string="version_number = 1"))
    assert "'source_path'" in refused(lambda: versions("source_path = 'x'"))
    assert "'IN'" in refused(lambda: versions("name IN ('rs-a')"))
    assert "a number" in refused(lambda: versions("version_number = 'one'"))
    assert versions("tags.stage = 'prod'") == [] and versions("name = 'rs-b' and tags.stage NOT IN ('prod')") == [("rs-b", 1)]
    assert "'<'" in refused(lambda: versions("tags.stage < 'prod'"))
    assert "at most 4 sort keys" in refused(lambda: versions(None, ["name", "name", "name", "name", "name"]))


def test_a_hidden_model_is_absent_from_searches_and_their_pages(admin, as_mlflow):
    client = as_mlflow(admin.token)
    for name in ("hide-a", "hide-b"):
        client.create_registered_model(name)
    model = admin.data('{ entityByName(type: MODEL, qualifiedName: "hide-b") { id } }')["entityByName"]["id"]
    admin.data('mutation($id: ID!) { classify(entityId: $id, name: "PII") { id } }', {"id": model})
    assert [m.name for m in client.search_registered_models(filter_string="name LIKE 'hide-%'")] == ["hide-a", "hide-b"]
    viewer = as_mlflow(token(admin, "searcher", "viewer"))  # the client reads its token per request: now the viewer's
    assert [m.name for m in viewer.search_registered_models(filter_string="name LIKE 'hide-%'")] == ["hide-a"]
    page = viewer.search_registered_models(filter_string="name LIKE 'hide-%'", max_results=1)
    assert [m.name for m in page] == ["hide-a"] and not page.token  # the hidden one leaves no second page
