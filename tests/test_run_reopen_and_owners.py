"""Two rules MLflow needed, applied to GraphQL alike: an ended run may be reopened by whoever may write
it (audited, in its status history), and an entity's owners read what they own even once it carries a
restricted classification they are not cleared for (audited as such)."""

from __future__ import annotations

from .graph import dataset, upsert
from .mlops import FINISH, LOG_INPUTS, LOG_PARAMS, audit_actions, start_run

REOPEN = "mutation($run: ID!) { reopenRun(runId: $run) { status endedAt statusHistory { status reason by } } }"
HISTORY = "query($id: ID!) { run(id: $id) { status statusHistory { status reason by } } }"
CLASSIFY = 'mutation($id: ID!, $name: String!) { classify(entityId: $id, name: $name) { id } }'
SEARCH_RUNS = """query($exp: ID!) { runs(experimentId: $exp) { totalCount edges { node { id } } } }"""


def test_a_reopened_run_takes_logs_again_and_its_history_shows_it(admin, as_role, neo4j_driver):
    sam = as_role("data-scientist", name="sam")
    run = start_run(sam)
    sam.data(FINISH, {"run": run["id"]})
    assert sam.error(LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.1}})["extensions"]["code"] == "CONFLICT"
    reopened = sam.data(REOPEN, {"run": run["id"]})["reopenRun"]
    assert reopened["status"] == "RUNNING" and reopened["endedAt"] is None
    sam.data(LOG_PARAMS, {"run": run["id"], "p": {"lr": 0.1}})
    sam.data(FINISH, {"run": run["id"]})
    history = sam.data(HISTORY, {"id": run["id"]})["run"]["statusHistory"]
    assert [(h["status"], h["reason"], h["by"]) for h in history] == [
        ("RUNNING", "started", "sam"), ("FINISHED", "ended", "sam"), ("RUNNING", "reopened", "sam"), ("FINISHED", "ended", "sam")]
    assert ("sam", "reopen-run", "allow") in audit_actions(neo4j_driver, run["id"])


def test_reopening_needs_write_on_the_run_and_a_running_run_stays_as_it_is(admin, as_role, neo4j_driver):
    sam, vic = as_role("data-scientist", name="sam"), as_role("viewer", name="vic")
    run = start_run(sam)
    assert len(sam.data(REOPEN, {"run": run["id"]})["reopenRun"]["statusHistory"]) == 1
    sam.data(FINISH, {"run": run["id"]})
    assert vic.error(REOPEN, {"run": run["id"]})["extensions"]["code"] == "FORBIDDEN"
    assert sam.data(HISTORY, {"id": run["id"]})["run"]["status"] == "FINISHED"
    assert ("vic", "write", "deny") in audit_actions(neo4j_driver, run["id"])


def test_the_owner_of_a_run_that_became_restricted_still_reads_and_finishes_it(admin, as_role, neo4j_driver):
    sam, dora = as_role("data-scientist", name="sam"), as_role("data-scientist", name="dora")
    customers = upsert(admin, dataset("s3://acme/crm/customers.parquet"))[0]
    run = start_run(sam)
    sam.data(LOG_INPUTS, {"run": run["id"], "in": [{"id": customers["id"]}]})
    admin.data(CLASSIFY, {"id": customers["id"], "name": "PII"})  # mid-run: the run is PII now

    assert sam.data(HISTORY, {"id": run["id"]})["run"]["status"] == "RUNNING"
    assert sam.data(FINISH, {"run": run["id"]})["finishRun"]["status"] == "FINISHED"
    assert dora.data(HISTORY, {"id": run["id"]})["run"] is None  # not hers: hidden like a missing one
    assert sam.data(SEARCH_RUNS, {"exp": run["experimentId"]})["runs"]["totalCount"] == 1
    assert dora.data(SEARCH_RUNS, {"exp": run["experimentId"]})["runs"]["totalCount"] == 0
    # Its restricted upstream stays hidden from the owner.
    assert sam.data('query($id: ID!) { entity(id: $id) { id } }', {"id": customers["id"]})["entity"] is None
    with neo4j_driver.session() as session:
        rules = session.run(
            "MATCH (e:AuditEvent {resourceId: $id, principal: 'sam', action: 'read'}) RETURN e.rule AS rule", id=run["id"]
        ).value()
    assert any(rule.startswith("owner:") for rule in rules)
