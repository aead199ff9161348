// Entities: upsert, lookup, search, soft delete, containment. `__TYPE__` is replaced by a label from
// the closed EntityType enum (store/queries.py); everything else is a parameter.

// fragment: visible_in_scope(e)
// What ReadScope.can_see decides (governance/access.py), decided inside a query from
// ReadScope.cypher_params(): the caller holds a grant on the entity, or its type is readable and it
// carries no classification the caller is not cleared for. Every statement that filters by the read
// scope (search and its totals, lookups, containment, reports) uses this one text, so pages and
// totals never count a hidden entity and no copy can drift from the others.
(e.id IN $grantedIds
 OR (any(visible_label IN labels(e) WHERE visible_label IN $readableTypes)
     AND none(visible_name IN coalesce(e.classificationNames, []) WHERE visible_name IN $hiddenClassifications)))

// fragment: visible_or_owned_in_scope(e)
// visible_in_scope plus the owner rule (governance/access.py OWNER_READ_RULE): what a direct read of
// ML metadata shows, ReadScope.can_see with the entity's owners, where $owner is the caller's name.
// Runs, experiments, deployments, artifacts, promotions and MLflow's searches use this one text.
(e.id IN $grantedIds OR $owner IN coalesce(e.owners, [])
 OR (any(visible_label IN labels(e) WHERE visible_label IN $readableTypes)
     AND none(visible_name IN coalesce(e.classificationNames, []) WHERE visible_name IN $hiddenClassifications)))

// name: upsert_entities
// One UNWIND batch of one type, keyed on qualifiedName (idempotent). Omitted fields keep their value;
// updatedAt moves only when a field really changes, so replaying the same batch changes nothing.
// Upserting a soft-deleted entity brings it back.
UNWIND $rows AS row
MERGE (e:Entity:__TYPE__ {qualifiedName: row.qualifiedName})
  ON CREATE SET e.id = row.id, e.createdAt = $now, e.updatedAt = $now,
                e.name = row.defaultName, e.properties = '{}', e.owners = []
WITH e, row, e.id = row.id AS created
WITH e, row, created,
     created
     OR e.deletedAt IS NOT NULL
     OR (row.name IS NOT NULL AND row.name <> e.name)
     OR (row.description IS NOT NULL AND row.description <> coalesce(e.description, ''))
     OR (row.properties IS NOT NULL AND row.properties <> e.properties)
     OR (row.owners IS NOT NULL AND row.owners <> e.owners) AS changed
SET e.name = coalesce(row.name, e.name),
    e.description = coalesce(row.description, e.description),
    e.properties = coalesce(row.properties, e.properties),
    e.owners = coalesce(row.owners, e.owners),
    e.deletedAt = null,
    e.updatedAt = CASE WHEN changed THEN $now ELSE e.updatedAt END
RETURN e {.*, type: '__TYPE__'} AS entity, row.qualifiedName AS qualifiedName, changed

// name: resolve_ids
// Which of these ids exist (deleted ones do not count: they cannot be referenced any more).
UNWIND $ids AS id
MATCH (e:Entity {id: id})
WHERE e.deletedAt IS NULL
RETURN e.id AS id, [l IN labels(e) WHERE l <> 'Entity'][0] AS type, e.owners AS owners,
       coalesce(e.classificationNames, []) AS classificationNames

// name: resolve_names
// Which of these qualified names of one type exist, live or deleted.
UNWIND $names AS qualifiedName
MATCH (e:__TYPE__ {qualifiedName: qualifiedName})
RETURN qualifiedName, e.id AS id, e.deletedAt IS NOT NULL AS deleted, e.owners AS owners,
       coalesce(e.classificationNames, []) AS classificationNames

// name: set_containers
// Makes each member's container (of the given containment kind) exactly the one named: the edge is
// created if missing and any edge of that kind from another container is removed.
UNWIND $rows AS row
MATCH (m:Entity {id: row.memberId})
MATCH (c:Entity {id: row.containerId})
OPTIONAL MATCH (other:Entity)-[old]->(m)
  WHERE type(old) = row.kind AND other <> c
DELETE old
WITH DISTINCT m, c, row
MERGE (c)-[r:$(row.kind)]->(m)
  ON CREATE SET r.createdAt = $now
RETURN count(r) AS linked

// name: get_entity
MATCH (e:Entity {id: $id})
RETURN e {.*, type: [l IN labels(e) WHERE l <> 'Entity'][0]} AS entity

// name: get_entities
// One row holding them all: a 1,000-entity batch decodes about twice as fast as 1,000 records.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN collect(e {.*, type: [l IN labels(e) WHERE l <> 'Entity'][0]}) AS entities

// name: get_entity_by_name
MATCH (e:__TYPE__ {qualifiedName: $qualifiedName})
RETURN e {.*, type: '__TYPE__'} AS entity

// name: search_text_page
// Full-text hits, live only, optionally of some types, best first. Every search query keeps only what
// the caller's ReadScope lets it see (the fragment visible_in_scope, above), inside the query, so
// totals and pages never count a hidden entity.
CALL db.index.fulltext.queryNodes('entity_text', $query) YIELD node AS e, score
WHERE e.deletedAt IS NULL
  AND ($types IS NULL OR any(l IN labels(e) WHERE l IN $types))
  AND ($classification IS NULL OR $classification IN coalesce(e.classificationNames, []))
  AND @visible_in_scope(e)
RETURN e {.*, type: [l IN labels(e) WHERE l <> 'Entity'][0]} AS entity,
       coalesce(e.classificationNames, []) AS classificationNames
ORDER BY score DESC, e.qualifiedName ASC, e.id ASC
SKIP $skip LIMIT $limit

// name: search_text_count
CALL db.index.fulltext.queryNodes('entity_text', $query) YIELD node AS e
WHERE e.deletedAt IS NULL
  AND ($types IS NULL OR any(l IN labels(e) WHERE l IN $types))
  AND ($classification IS NULL OR $classification IN coalesce(e.classificationNames, []))
  AND @visible_in_scope(e)
RETURN count(e) AS total

// name: search_all_page
// Without text: live entities, optionally of some types, by qualified name.
MATCH (e:Entity)
WHERE e.deletedAt IS NULL
  AND ($types IS NULL OR any(l IN labels(e) WHERE l IN $types))
  AND ($classification IS NULL OR $classification IN coalesce(e.classificationNames, []))
  AND @visible_in_scope(e)
RETURN e {.*, type: [l IN labels(e) WHERE l <> 'Entity'][0]} AS entity,
       coalesce(e.classificationNames, []) AS classificationNames
ORDER BY e.qualifiedName ASC, e.id ASC
SKIP $skip LIMIT $limit

// name: search_all_count
MATCH (e:Entity)
WHERE e.deletedAt IS NULL
  AND ($types IS NULL OR any(l IN labels(e) WHERE l IN $types))
  AND ($classification IS NULL OR $classification IN coalesce(e.classificationNames, []))
  AND @visible_in_scope(e)
RETURN count(e) AS total

// name: soft_delete_entity
// A tombstone: the node and its edges stay for history and time travel.
MATCH (e:Entity {id: $id})
WHERE e.deletedAt IS NULL
SET e.deletedAt = $now, e.updatedAt = $now
RETURN e.id AS id

// name: get_entity_in_scope
// One entity and whether the caller's ReadScope lets it see it (the same condition as search).
MATCH (e:Entity {id: $id})
RETURN e {.*, type: [l IN labels(e) WHERE l <> 'Entity'][0]} AS entity,
       coalesce(e.classificationNames, []) AS classificationNames,
       @visible_in_scope(e) AS visible

// name: get_entity_by_name_in_scope
MATCH (e:__TYPE__ {qualifiedName: $qualifiedName})
RETURN e {.*, type: '__TYPE__'} AS entity,
       coalesce(e.classificationNames, []) AS classificationNames,
       @visible_in_scope(e) AS visible

// name: get_entity_by_alias_in_scope
// The entity of this type that has $qualifiedName among its aliases (OpenLineage symlinks), for
// entityByName when no entity has it as its own name. $aliasQuery (services/entities.py) asks the
// full-text index for the alias's words in `aliases`; the exact match is checked here. Should two
// entities claim the same alias, the live one first, then the smaller qualifiedName, answers.
CALL db.index.fulltext.queryNodes('entity_text', $aliasQuery) YIELD node AS e
WHERE e:__TYPE__ AND $qualifiedName IN coalesce(e.aliases, [])
WITH e ORDER BY e.deletedAt IS NOT NULL, e.qualifiedName LIMIT 1
RETURN e {.*, type: '__TYPE__'} AS entity,
       coalesce(e.classificationNames, []) AS classificationNames,
       @visible_in_scope(e) AS visible

// name: containers_in_scope
// The live container of each member id (containment edges run container -> member: HAS_VERSION,
// HAS_FEATURE, HAS_RUN), one row per member that has one, and whether the caller's ReadScope lets it
// see the container (the same condition as get_entity_in_scope). A member has at most one container
// (set_containers keeps one per kind, and each member type has one kind); LIMIT 1 makes that certain.
UNWIND $ids AS memberId
MATCH (m:Entity {id: memberId})
CALL (m) {
  MATCH (c:Entity)-[r:HAS_VERSION|HAS_FEATURE|HAS_RUN]->(m)
  WHERE c.deletedAt IS NULL
  RETURN c ORDER BY r.createdAt DESC, c.id LIMIT 1
}
RETURN memberId,
       c {.*, type: [l IN labels(c) WHERE l <> 'Entity'][0]} AS entity,
       coalesce(c.classificationNames, []) AS classificationNames,
       @visible_in_scope(c) AS visible

// name: members_count_in_scope
// How many live members each container has that the caller's ReadScope lets it see (hidden members are
// not counted), for its page's total. rows: {i, id, types}; `types` null for every type. A count needs
// no order: each member is read once and nothing is sorted, however many a container holds.
UNWIND $rows AS row
MATCH (c:Entity {id: row.id})
CALL (c, row) {
  MATCH (c)-[:HAS_VERSION|HAS_FEATURE|HAS_RUN]->(m:Entity)
  WHERE m.deletedAt IS NULL
    AND (row.types IS NULL OR any(l IN labels(m) WHERE l IN row.types))
    AND @visible_in_scope(m)
  RETURN count(m) AS total
}
RETURN row.i AS i, total

// name: members_page_in_scope
// One page of each container's live members that the caller's ReadScope lets it see, by type then
// qualifiedName. rows: {i, id, types}. $skip and $limit are the same for every row (store/entities.py
// asks once per page shape), so ORDER BY with SKIP and LIMIT plans as a top-k: a container with
// 100,000 runs keeps skip + limit of them while it reads them and sorts no more than that.
UNWIND $rows AS row
MATCH (c:Entity {id: row.id})
CALL (c, row) {
  MATCH (c)-[:HAS_VERSION|HAS_FEATURE|HAS_RUN]->(m:Entity)
  WHERE m.deletedAt IS NULL
    AND (row.types IS NULL OR any(l IN labels(m) WHERE l IN row.types))
    AND @visible_in_scope(m)
  WITH m, [l IN labels(m) WHERE l <> 'Entity'][0] AS type
  ORDER BY type, m.qualifiedName, m.id
  SKIP $skip LIMIT $limit
  RETURN collect({entity: m {.*, type: type}, classificationNames: coalesce(m.classificationNames, [])}) AS members
}
RETURN row.i AS i, members
