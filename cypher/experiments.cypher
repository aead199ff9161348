// Experiments (the console's list and summary): an `:Entity:Experiment` holding runs (HAS_RUN).
// Run visibility is runs.cypher's: a run the caller may not see (restricted classifications it is not
// cleared for, without an instance grant, not owned by $owner) is neither counted, dated nor keyed.

// name: experiments_page
// Experiments the caller may see (the entity visibility of entities.cypher plus the owner rule) whose
// name or qualifiedName contains $text (lower-cased; null: all), newest visible run first (experiments
// without runs last), then by name: one page of ids plus the total.
MATCH (x:Entity:Experiment)
WHERE x.deletedAt IS NULL
  AND ($text IS NULL OR toLower(x.name) CONTAINS $text OR toLower(x.qualifiedName) CONTAINS $text)
  AND @visible_or_owned_in_scope(x)
CALL (x) {
  OPTIONAL MATCH (x)-[:HAS_RUN]->(r:Entity:Run)
  WHERE r.deletedAt IS NULL
    AND @visible_or_owned_in_scope(r)
  RETURN max(r.startedAt) AS lastRun
}
WITH x, lastRun ORDER BY lastRun IS NULL, lastRun DESC, x.name, x.qualifiedName
WITH collect(x.id) AS ids
RETURN size(ids) AS total, ids[$skip..$skip + $limit] AS page

// name: experiment_summaries
// Many experiments at once: the node, its visible runs' count and latest start, and the parameter and
// metric names its newest $keyRuns visible runs logged (sorted, at most $keyLimit each): bounded, so an
// experiment of 10,000 runs does not read every run's parameters on each page view.
UNWIND $ids AS id
MATCH (x:Entity:Experiment {id: id})
CALL (x) {
  OPTIONAL MATCH (x)-[:HAS_RUN]->(r:Entity:Run)
  WHERE r.deletedAt IS NULL
    AND @visible_or_owned_in_scope(r)
  WITH r ORDER BY r.startedAt DESC
  RETURN count(r) AS runCount, max(r.startedAt) AS lastRunStartedAt, collect(r)[..$keyRuns] AS runs
}
RETURN x {.*, type: 'Experiment'} AS experiment, runCount, lastRunStartedAt,
       COLLECT { UNWIND runs AS r MATCH (r)-[:HAS_PARAM]->(p:RunParam)
                 WITH DISTINCT p.name AS name RETURN name ORDER BY name LIMIT $keyLimit } AS paramKeys,
       COLLECT { UNWIND runs AS r MATCH (r)-[:HAS_METRIC]->(s:MetricSeries)
                 WITH DISTINCT s.name AS name RETURN name ORDER BY name LIMIT $keyLimit } AS metricKeys
