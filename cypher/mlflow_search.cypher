// MLflow's searches of experiments, registered models and model versions (domain/registry_search.py).

// name: mlflow_search_entities
// Live __TYPE__ entities (Experiment, Model or ModelVersion) the caller may see, passing every
// condition, sorted, one page of ids plus the total. A version is seen only with its model, and its
// `name` is its model's. Each entity's searchable attributes are one map, `a`; a condition
// {field, key, op, value} reads a[key] and its operator is picked by CASE (op from the closed set EQ NE
// LT LTE GT GTE LIKE ILIKE IN NOT_IN; LIKE values arrive as regexes), so no Cypher is built from text. An
// attribute the entity lacks (a version without a run) never satisfies a condition, `!=` included. A
// TAG condition reads no value (no MLflow tags are kept on these entities), and a lacking tag satisfies
// exactly NE and NOT_IN (domain/registry_search.py).
// $sort: [{key, descending}], at most four (MAX_SORT_KEYS), then the id; entities without a sort key's
// value come last on it. Visibility as search_models: granted ids, the owner rule, readable types
// and hidden classifications, on the version and on its model.
MATCH (e:Entity:__TYPE__)
WHERE e.deletedAt IS NULL
  AND @visible_or_owned_in_scope(e)
OPTIONAL MATCH (m:Entity:Model)-[:HAS_VERSION]->(e)
WITH e, m
WHERE $label <> 'ModelVersion'
   OR (m IS NOT NULL AND m.deletedAt IS NULL
       AND @visible_or_owned_in_scope(m))
WITH e, {
       name: coalesce(m.qualifiedName, e.qualifiedName),
       experiment_id: CASE WHEN e.qualifiedName = $defaultExperiment THEN '0' ELSE e.id END,
       creation_time: e.createdAt.epochMillis,
       last_update_time: e.updatedAt.epochMillis,
       run_id: e.runId,
       version_number: e.version
     } AS a
WHERE all(c IN $conditions WHERE
        CASE WHEN c.field = 'TAG' THEN c.op IN ['NE', 'NOT_IN']
             WHEN a[c.key] IS NULL THEN false
             ELSE CASE c.op
               WHEN 'EQ' THEN a[c.key] = c.value WHEN 'NE' THEN a[c.key] <> c.value
               WHEN 'LT' THEN a[c.key] < c.value WHEN 'LTE' THEN a[c.key] <= c.value
               WHEN 'GT' THEN a[c.key] > c.value WHEN 'GTE' THEN a[c.key] >= c.value
               WHEN 'LIKE' THEN a[c.key] =~ c.value WHEN 'ILIKE' THEN a[c.key] =~ c.value
               WHEN 'IN' THEN a[c.key] IN c.value WHEN 'NOT_IN' THEN NOT a[c.key] IN c.value
               ELSE false
             END
        END)
WITH e, [s IN $sort | {value: a[s.key], descending: s.descending}] AS keys
WITH e, keys + [{value: null, descending: false}, {value: null, descending: false},
                {value: null, descending: false}, {value: null, descending: false}] AS k
ORDER BY k[0].value IS NULL, CASE WHEN k[0].descending THEN k[0].value END DESC, CASE WHEN NOT k[0].descending THEN k[0].value END ASC,
         k[1].value IS NULL, CASE WHEN k[1].descending THEN k[1].value END DESC, CASE WHEN NOT k[1].descending THEN k[1].value END ASC,
         k[2].value IS NULL, CASE WHEN k[2].descending THEN k[2].value END DESC, CASE WHEN NOT k[2].descending THEN k[2].value END ASC,
         k[3].value IS NULL, CASE WHEN k[3].descending THEN k[3].value END DESC, CASE WHEN NOT k[3].descending THEN k[3].value END ASC,
         e.id ASC
WITH collect(e.id) AS ids
RETURN size(ids) AS total, ids[$skip..$skip + $limit] AS page
