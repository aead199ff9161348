// Runtime access policy: casbin rule rows (instance grants, clearances) and the version counter every
// API replica polls to know when to reload them (governance/neo4j_adapter.py). The built-in role table
// lives in policies/policy.csv, never here.

// name: schema_policy_rule_key
CREATE CONSTRAINT policy_rule_key IF NOT EXISTS FOR (r:PolicyRule) REQUIRE r.key IS UNIQUE

// name: schema_policy_version_id
CREATE CONSTRAINT policy_version_id IF NOT EXISTS FOR (v:PolicyVersion) REQUIRE v.id IS UNIQUE

// name: policy_rules
// Every stored rule with the version it belongs to, read in one transaction so the version a replica
// records is the one its rules came from.
OPTIONAL MATCH (v:PolicyVersion {id: 'policy'})
OPTIONAL MATCH (r:PolicyRule)
WITH coalesce(v.version, 0) AS version, r ORDER BY r.key
RETURN version, [row IN collect(r) | {ptype: row.ptype, rule: row.rule}] AS rules

// name: policy_version
OPTIONAL MATCH (v:PolicyVersion {id: 'policy'})
RETURN coalesce(v.version, 0) AS version

// name: add_policy_rules
// $rules: [{key, ptype, rule}]; a rule already stored is left alone (grants are idempotent).
UNWIND $rules AS row
MERGE (r:PolicyRule {key: row.key})
  ON CREATE SET r.ptype = row.ptype, r.rule = row.rule, r.createdAt = $now
RETURN row.key AS key, r.createdAt = $now AS created

// name: remove_policy_rules
UNWIND $keys AS key
MATCH (r:PolicyRule {key: key})
DELETE r
RETURN key

// name: remove_filtered_policy_rules
// casbin's remove_filtered_policy: rules of $ptype whose fields from $fieldIndex on equal $values
// (an empty value matches anything).
MATCH (r:PolicyRule {ptype: $ptype})
WHERE all(i IN range(0, size($values) - 1) WHERE $values[i] = '' OR r.rule[$fieldIndex + i] = $values[i])
DELETE r
RETURN r.key AS key

// name: remove_all_policy_rules
MATCH (r:PolicyRule)
DELETE r
RETURN count(*) AS removed

// name: bump_policy_version
// Every change to the stored rules moves the counter, in the same transaction as the change.
MERGE (v:PolicyVersion {id: 'policy'})
  ON CREATE SET v.version = 0
SET v.version = v.version + 1, v.updatedAt = $now
RETURN v.version AS version

// name: restricted_classification_names
MATCH (d:ClassificationDef)
WHERE d.restricted = true
RETURN collect(d.name) AS names

// name: classification_def_exists
MATCH (d:ClassificationDef {name: $name})
RETURN d.name AS name, coalesce(d.restricted, false) AS restricted

// name: grants_of
// Runtime grants of one principal, or of everyone with $subject null.
MATCH (r:PolicyRule {ptype: 'p'})
WHERE ($subject IS NULL OR r.rule[0] = $subject) AND r.rule[0] STARTS WITH 'principal:'
RETURN r.rule AS rule, r.createdAt AS createdAt
ORDER BY r.key
LIMIT $limit

// name: set_principal_roles
// Role assignments live on the Principal node, which authentication reads on every request: a
// changed role takes effect on the next request on every replica.
MATCH (p:Principal {name: $name})
WITH p, p.roles AS before
SET p.roles = $roles, p.updatedAt = $now
RETURN p.name AS name, before, p.roles AS roles, p.active AS active

// name: set_principal_active
MATCH (p:Principal {name: $name})
WITH p, p.active AS before
SET p.active = $active, p.updatedAt = $now
RETURN p.name AS name, before, p.active AS active

// name: other_active_admins
MATCH (p:Principal)
WHERE 'admin' IN p.roles AND p.active AND p.name <> $name
RETURN count(p) AS admins

// name: lock_policy_version
// Takes the version node's write lock (until commit), so two replicas starting together record a
// changed policy file once.
MERGE (v:PolicyVersion {id: 'policy'})
  ON CREATE SET v.version = 0
SET v.lock = randomUUID()
RETURN v.version AS version

// name: swap_builtin_policy_digest
// The digest of policies/model.conf + policy.csv last deployed, replaced by this one.
MATCH (v:PolicyVersion {id: 'policy'})
WITH v, v.fileDigest AS before
SET v.fileDigest = $digest
REMOVE v.lock
RETURN before
