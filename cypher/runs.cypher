// Training runs (domain/runs.py). A Run is an `:Entity:Run` contained in an Experiment (HAS_RUN); what
// only runs have lives on the node (status, startedAt, endedAt, code*, env*, hw*) and in small nodes it
// points at: (run)-[:HAS_PARAM]->(:RunParam {name, type, value}) and (run)-[:HAS_TAG]->(:RunTag {name,
// value}). Metric series are in metrics.cypher, inputs/outputs are lineage edges (lineage.cypher).

// name: start_run
// The run's own state, written once when it starts.
MATCH (r:Entity:Run {id: $runId})
SET r.status = 'RUNNING', r.startedAt = coalesce($startedAt, $now), r.endedAt = null,
    r.codeCommit = $code.commit, r.codeRepoUrl = $code.repoUrl, r.codeBranch = $code.branch, r.codeDirty = $code.dirty,
    r.envPythonVersion = $env.pythonVersion, r.envOs = $env.os, r.envPackages = $env.packages,
    r.envPackagesDigest = $env.packagesDigest,
    r.hwCpuCount = $hw.cpuCount, r.hwMemoryBytes = $hw.memoryBytes, r.hwGpus = $hw.gpus
RETURN r.id AS id

// name: lock_run
// Takes the run's write lock (held to commit) so every log call to one run is serialised, and returns
// what the caller checks before writing: its status and owners.
MATCH (r:Entity:Run {id: $runId})
WHERE r.deletedAt IS NULL
SET r.loggedAt = $now
RETURN r.id AS id, r.status AS status, r.owners AS owners

// name: log_run_params
// Creates the parameters the run does not have yet; returns every requested one with the value it
// already had (null when new), so the service can tell a harmless repeat from a CONFLICT.
// $params: [{name, type, value}]
MATCH (r:Entity:Run {id: $runId})
UNWIND $params AS p
OPTIONAL MATCH (r)-[:HAS_PARAM]->(old:RunParam {name: p.name})
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
  CREATE (r)-[:HAS_PARAM]->(:RunParam {name: p.name, type: p.type, value: p.value, loggedAt: $now}))
RETURN p.name AS name, old.type AS oldType, old.value AS oldValue

// name: set_run_tags
// Tags may be overwritten. $tags: [{name, value}]
MATCH (r:Entity:Run {id: $runId})
UNWIND $tags AS t
MERGE (r)-[:HAS_TAG]->(g:RunTag {name: t.name})
SET g.value = t.value, g.updatedAt = $now
RETURN count(g) AS tags

// name: finish_run
MATCH (r:Entity:Run {id: $runId})
SET r.status = $status, r.endedAt = coalesce($endedAt, $now),
    r.hwPeakMemoryBytes = coalesce($peakMemoryBytes, r.hwPeakMemoryBytes),
    r.hwPeakGpuMemoryBytes = coalesce($peakGpuMemoryBytes, r.hwPeakGpuMemoryBytes),
    r.updatedAt = $now
RETURN r.id AS id

// name: run_details
// Everything a Run view shows, for many runs in one query (metric summaries come from metrics.cypher).
UNWIND $ids AS id
MATCH (r:Entity:Run {id: id})
RETURN r {.*, type: 'Run'} AS run,
       head(COLLECT { MATCH (x:Experiment)-[:HAS_RUN]->(r) RETURN x.id }) AS experimentId,
       COLLECT { MATCH (r)-[:HAS_PARAM]->(p:RunParam) RETURN p {.name, .type, .value} AS p ORDER BY p.name } AS params,
       COLLECT { MATCH (r)-[:HAS_TAG]->(t:RunTag) RETURN t {.name, .value} AS t ORDER BY t.name } AS tags,
       COLLECT { MATCH (i:Entity)-[e:INPUT_TO]->(r) WHERE e.removedAt IS NULL
                 RETURN i.id AS inputId ORDER BY i.qualifiedName } AS inputIds,
       COLLECT { MATCH (r)-[e:PRODUCED]->(o:Entity) WHERE e.removedAt IS NULL
                 RETURN o.id AS outputId ORDER BY o.qualifiedName } AS outputIds

// name: experiment_runs_page
// The runs of one experiment that pass every filter, sorted, one page of ids plus the total.
//   $paramFilters:  [{name, op, value}]        a parameter compared with a value
//   $metricFilters: [{name, agg, op, value}]   a metric's LAST/MIN/MAX compared with a number
//   op is one of LT LTE GT GTE EQ NE (a closed set, chosen by CASE: no Cypher is built from text)
//   $orderKind: STARTED | PARAM | METRIC, with $orderName, $orderAgg; $descending
// Values of another type never match (Cypher compares 'adam' < 0.01 as null). Runs without the sort
// key, or whose key is NaN, come last in both directions. Hidden runs (restricted classifications the
// caller is not cleared for, without an instance grant, not owned by $owner) are never counted or returned.
MATCH (:Entity:Experiment {id: $experimentId})-[:HAS_RUN]->(r:Entity:Run)
WHERE r.deletedAt IS NULL
  AND ($statuses IS NULL OR r.status IN $statuses)
  AND @visible_or_owned_in_scope(r)
  AND all(f IN $paramFilters WHERE EXISTS {
        MATCH (r)-[:HAS_PARAM]->(p:RunParam {name: f.name})
        WHERE CASE f.op
                WHEN 'LT' THEN p.value < f.value WHEN 'LTE' THEN p.value <= f.value
                WHEN 'GT' THEN p.value > f.value WHEN 'GTE' THEN p.value >= f.value
                WHEN 'EQ' THEN p.value = f.value WHEN 'NE' THEN p.value <> f.value
              END })
  AND all(f IN $metricFilters WHERE EXISTS {
        MATCH (r)-[:HAS_METRIC]->(s:MetricSeries {name: f.name})
        WITH f, {LAST: s.last, MIN: s.min, MAX: s.max}[f.agg] AS v
        WHERE v = v AND CASE f.op
                WHEN 'LT' THEN v < f.value WHEN 'LTE' THEN v <= f.value
                WHEN 'GT' THEN v > f.value WHEN 'GTE' THEN v >= f.value
                WHEN 'EQ' THEN v = f.value WHEN 'NE' THEN v <> f.value
              END
        RETURN v })
WITH r,
     CASE $orderKind
       WHEN 'PARAM' THEN head(COLLECT { MATCH (r)-[:HAS_PARAM]->(p:RunParam {name: $orderName}) RETURN p.value })
       WHEN 'METRIC' THEN head(COLLECT { MATCH (r)-[:HAS_METRIC]->(s:MetricSeries {name: $orderName})
                                         RETURN {LAST: s.last, MIN: s.min, MAX: s.max}[$orderAgg] })
       ELSE coalesce(r.startedAt, r.createdAt)
     END AS key
ORDER BY (key IS NULL OR key <> key) ASC,
         CASE WHEN $descending THEN key END DESC,
         CASE WHEN NOT $descending THEN key END ASC,
         r.createdAt DESC, r.id ASC
WITH collect(r.id) AS ids
RETURN size(ids) AS total, ids[$skip..$skip + $limit] AS page

// name: search_runs
// Runs of the given experiments passing every condition (domain/run_search.py), one page of ids plus
// the total. $conditions: [{field, key, op, value}] with field METRIC|PARAM|TAG|ATTRIBUTE|DATASET and op
// from the closed set EQ NE LT LTE GT GTE LIKE ILIKE IN NOT_IN IS_NULL IS_NOT_NULL; LIKE values arrive
// as regexes. Each condition gathers the run's values for its key (none when the run lacks the key),
// then holds when any value satisfies the operator: no Cypher is built from text. Sort: $orderField
// (null: newest start first) with $orderKey and $descending; runs without the key come last.
// Visibility as experiment_runs_page, plus the owner rule: a run's owners see it ($owner).
MATCH (x:Entity:Experiment)-[:HAS_RUN]->(r:Entity:Run)
WHERE x.id IN $experimentIds AND r.deletedAt IS NULL
  AND @visible_or_owned_in_scope(r)
CALL (r) {
  UNWIND $conditions AS c
  WITH c, CASE c.field
      WHEN 'METRIC' THEN COLLECT { MATCH (r)-[:HAS_METRIC]->(s:MetricSeries {name: c.key}) RETURN s.last }
      WHEN 'PARAM' THEN COLLECT { MATCH (r)-[:HAS_PARAM]->(p:RunParam {name: c.key}) RETURN toString(p.value) }
      WHEN 'TAG' THEN COLLECT { MATCH (r)-[:HAS_TAG]->(t:RunTag {name: c.key}) RETURN t.value }
      WHEN 'DATASET' THEN COLLECT { MATCH (:Entity)-[e:INPUT_TO]->(r) WHERE e.removedAt IS NULL
                                    RETURN {name: e.datasetName, digest: e.datasetDigest, context: e.datasetContext}[c.key] }
      ELSE [{run_name: r.name, status: r.status, run_id: r.id,
             start_time: r.startedAt.epochMillis, end_time: r.endedAt.epochMillis}[c.key]]
    END AS found
  WITH c, [v IN found WHERE v IS NOT NULL] AS vs
  WHERE CASE c.op
      WHEN 'IS_NULL' THEN size(vs) = 0
      WHEN 'IS_NOT_NULL' THEN size(vs) > 0
      ELSE any(v IN vs WHERE CASE c.op
        WHEN 'EQ' THEN v = c.value WHEN 'NE' THEN v <> c.value
        WHEN 'LT' THEN v < c.value WHEN 'LTE' THEN v <= c.value
        WHEN 'GT' THEN v > c.value WHEN 'GTE' THEN v >= c.value
        WHEN 'LIKE' THEN v =~ c.value WHEN 'ILIKE' THEN v =~ c.value
        WHEN 'IN' THEN v IN c.value WHEN 'NOT_IN' THEN NOT v IN c.value
      END)
    END
  RETURN count(c) AS passed
}
WITH r, passed WHERE passed = size($conditions)
WITH r, CASE $orderField
       WHEN 'METRIC' THEN head(COLLECT { MATCH (r)-[:HAS_METRIC]->(s:MetricSeries {name: $orderKey}) RETURN s.last })
       WHEN 'PARAM' THEN head(COLLECT { MATCH (r)-[:HAS_PARAM]->(p:RunParam {name: $orderKey}) RETURN toString(p.value) })
       WHEN 'TAG' THEN head(COLLECT { MATCH (r)-[:HAS_TAG]->(t:RunTag {name: $orderKey}) RETURN t.value })
       WHEN 'ATTRIBUTE' THEN {run_name: r.name, status: r.status, run_id: r.id,
                              start_time: r.startedAt.epochMillis, end_time: r.endedAt.epochMillis}[$orderKey]
       ELSE r.startedAt.epochMillis
     END AS key
ORDER BY (key IS NULL OR key <> key) ASC,
         CASE WHEN $descending THEN key END DESC,
         CASE WHEN NOT $descending THEN key END ASC,
         r.startedAt DESC, r.id ASC
WITH collect(r.id) AS ids
RETURN size(ids) AS total, ids[$skip..$skip + $limit] AS page

// name: record_run_status
// One step of the run's status history (started, ended, reopened), kept for good: who and when.
MATCH (r:Entity:Run {id: $runId})
CREATE (r)-[:HAS_STATUS_CHANGE]->(:RunStatusChange {status: $status, at: $now, by: $principal, reason: $reason})
RETURN r.id AS id

// name: run_status_history
UNWIND $ids AS id
MATCH (r:Entity:Run {id: id})
RETURN id, COLLECT { MATCH (r)-[:HAS_STATUS_CHANGE]->(c:RunStatusChange)
                     WITH c ORDER BY c.at, elementId(c)
                     RETURN c {.status, .at, .by, .reason} AS change } AS history

// name: reopen_run
// A finished run back to RUNNING (MLflow's log_model does this): its end time is cleared.
MATCH (r:Entity:Run {id: $runId})
SET r.status = 'RUNNING', r.endedAt = null, r.updatedAt = $now
RETURN r.id AS id

// name: update_run_identity
// What MLflow's `mlflow.*` tags say about a running run: its display name and code version (null keeps).
MATCH (r:Entity:Run {id: $runId})
SET r.name = coalesce($name, r.name),
    r.codeCommit = coalesce($code.commit, r.codeCommit),
    r.codeRepoUrl = coalesce($code.repoUrl, r.codeRepoUrl),
    r.codeBranch = coalesce($code.branch, r.codeBranch),
    r.updatedAt = $now
RETURN r.id AS id

// name: set_input_contexts
// MLflow's dataset facts on the run's INPUT_TO edges: the dataset's name, digest and context tag.
// $rows: [{sourceId, name, digest, context}]
UNWIND $rows AS row
MATCH (:Entity {id: row.sourceId})-[e:INPUT_TO]->(:Entity:Run {id: $runId})
WHERE e.removedAt IS NULL
SET e.datasetName = row.name, e.datasetDigest = row.digest, e.datasetContext = coalesce(row.context, e.datasetContext)
RETURN count(e) AS edges

// name: run_dataset_inputs
// The run's inputs that MLflow logged as datasets (for runs/get: inputs.dataset_inputs).
UNWIND $ids AS id
MATCH (d:Entity)-[e:INPUT_TO]->(r:Entity:Run {id: id})
WHERE e.removedAt IS NULL AND e.datasetName IS NOT NULL
RETURN id AS runId, d.id AS entityId, d.qualifiedName AS qualifiedName, e.datasetName AS name,
       e.datasetDigest AS digest, e.datasetContext AS context, d.properties AS properties,
       [l IN labels(d) WHERE l <> 'Entity'][0] AS type, coalesce(d.classificationNames, []) AS classificationNames
ORDER BY runId, e.datasetName

// name: run_qualified_name
MATCH (r:Entity:Run {id: $runId})
RETURN r.qualifiedName AS qualifiedName

// name: logged_models_of_experiments
// MLflow logged models (ARTIFACTs named mlflow-models:/...) the runs of these experiments produced,
// newest first, those the caller may see (visibility as search_runs).
MATCH (x:Entity:Experiment)-[:HAS_RUN]->(:Entity:Run)-[e:PRODUCED]->(a:Entity:Artifact)
WHERE x.id IN $experimentIds AND e.removedAt IS NULL AND a.deletedAt IS NULL
  AND a.qualifiedName STARTS WITH 'mlflow-models:/'
  AND @visible_or_owned_in_scope(a)
WITH DISTINCT a ORDER BY a.createdAt DESC, a.id
LIMIT $limit
RETURN a {.*, type: 'Artifact'} AS entity
