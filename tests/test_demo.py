"""The demo graph (`provgraph serve --demo`, services/demo.py) gives every console page something to
show (issue 16), checked over GraphQL as the console asks: experiments with runs and points, a pending
promotion a governance reviewer must decide, a deployment that can roll back, an open alert."""

from __future__ import annotations

from provgraph.services.demo import load_demo

from .test_part2_api import DEPLOYMENTS, EXPERIMENTS, MODELS, nodes

RUNS = """query($exp: ID!) { runs(experimentId: $exp, first: 100) { totalCount edges { node {
  id params { name value } code { commit repoUrl } environment { packages } hardware { cpuCount gpus }
  metrics { name count } loss: metric(name: "loss") { points(maxPoints: 500) { step value } } } } } }"""
INBOX = """{ promotions(status: PENDING) { edges { node { id alias requestedBy comment needsGovernance
  restrictedUpstream version { id run { id } } model { entity { qualifiedName } } } } } }"""
ALERTS = "query($id: ID!) { deployment(id: $id) { alertRules { metric } alerts(status: FIRING) { totalCount } history { kind } } }"


def test_every_console_page_has_data_in_the_demo(http, services, admin):
    assert http.portal.call(load_demo, services) is True
    experiments = [x for x in nodes(admin.data(EXPERIMENTS)["experiments"]) if x["runCount"] >= 3]
    assert len(experiments) >= 2
    for experiment in experiments:
        assert {"lr", "batch_size", "optimizer"} <= set(experiment["paramKeys"])
        assert {"loss", "val_auc"} <= set(experiment["metricKeys"])
        runs = [e["node"] for e in admin.data(RUNS, {"exp": experiment["id"]})["runs"]["edges"]]
        logged = [r for r in runs if r["loss"]]
        assert len(logged) >= 3, experiment["name"]
        for run in logged:
            assert len(run["loss"]["points"]) >= 40 and run["code"]["repoUrl"] and run["code"]["commit"]
            assert run["environment"]["packages"] and run["hardware"]["cpuCount"]

    [pending] = nodes(admin.data(INBOX)["promotions"])
    assert pending["needsGovernance"] and pending["restrictedUpstream"] == ["SENSITIVE"]
    assert pending["requestedBy"] == "dana" and pending["comment"] and pending["version"]["run"]["id"]
    decided = admin.data("{ promotions { edges { node { status } } } }")["promotions"]
    assert {"APPROVED", "REJECTED"} <= {e["node"]["status"] for e in decided["edges"]}

    models = {m["entity"]["qualifiedName"]: m for m in nodes(admin.data(MODELS)["models"])}
    churn = admin.data(
        'query($id: ID!) { model(id: $id) { versions { id run { id } } aliasHistory(alias: "production") { version removedAt } } }',
        {"id": models["registry://acme/churn-classifier"]["id"]},
    )["model"]
    assert len(churn["versions"]) == 3 and all(v["run"] for v in churn["versions"])
    assert [(a["version"], a["removedAt"] is None) for a in churn["aliasHistory"]][0] == (3, True)
    assert len(churn["aliasHistory"]) == 2

    [live] = [d for d in nodes(admin.data(DEPLOYMENTS)["deployments"]) if d["rollbackStack"]]
    shown = admin.data(ALERTS, {"id": live["id"]})["deployment"]
    assert shown["alertRules"] and shown["alerts"]["totalCount"] >= 1 and len(shown["history"]) >= 1
