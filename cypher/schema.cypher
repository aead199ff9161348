// Constraints and indexes for every lookup the API makes. Idempotent (IF NOT EXISTS); applied at startup
// in the order written. Statement names start with schema_ so the loader can tell them apart.

// name: schema_entity_id
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE

// name: schema_dataset_qn
CREATE CONSTRAINT dataset_qualified_name IF NOT EXISTS FOR (e:Dataset) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_dataset_version_qn
CREATE CONSTRAINT dataset_version_qualified_name IF NOT EXISTS FOR (e:DatasetVersion) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_feature_qn
CREATE CONSTRAINT feature_qualified_name IF NOT EXISTS FOR (e:Feature) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_experiment_qn
CREATE CONSTRAINT experiment_qualified_name IF NOT EXISTS FOR (e:Experiment) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_run_qn
CREATE CONSTRAINT run_qualified_name IF NOT EXISTS FOR (e:Run) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_model_qn
CREATE CONSTRAINT model_qualified_name IF NOT EXISTS FOR (e:Model) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_model_version_qn
CREATE CONSTRAINT model_version_qualified_name IF NOT EXISTS FOR (e:ModelVersion) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_pipeline_qn
CREATE CONSTRAINT pipeline_qualified_name IF NOT EXISTS FOR (e:Pipeline) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_pipeline_run_qn
CREATE CONSTRAINT pipeline_run_qualified_name IF NOT EXISTS FOR (e:PipelineRun) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_deployment_qn
CREATE CONSTRAINT deployment_qualified_name IF NOT EXISTS FOR (e:Deployment) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_artifact_qn
CREATE CONSTRAINT artifact_qualified_name IF NOT EXISTS FOR (e:Artifact) REQUIRE e.qualifiedName IS UNIQUE

// name: schema_entity_updated
CREATE INDEX entity_updated_at IF NOT EXISTS FOR (e:Entity) ON (e.updatedAt)

// name: schema_entity_text
// The 'simple' analyzer splits on every non-letter, so `customer_churn_v2` is found by "churn".
// `aliases` (a list: a dataset's other names, from OpenLineage's symlinks facet) makes search find a
// dataset by any of its names, and is how entityByName finds one by an alias.
CREATE FULLTEXT INDEX entity_text IF NOT EXISTS FOR (e:Entity) ON EACH [e.name, e.qualifiedName, e.description, e.aliases]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'simple'}}

// name: schema_drop_entity_search
// entity_text replaced it (it did not cover aliases); a store made before keeps no stale copy.
DROP INDEX entity_search IF EXISTS

// name: schema_principal_name
CREATE CONSTRAINT principal_name IF NOT EXISTS FOR (p:Principal) REQUIRE p.name IS UNIQUE

// name: schema_principal_token
CREATE CONSTRAINT principal_token_hash IF NOT EXISTS FOR (p:Principal) REQUIRE p.tokenHash IS UNIQUE

// name: schema_session_id_hash
CREATE CONSTRAINT session_id_hash IF NOT EXISTS FOR (s:Session) REQUIRE s.idHash IS UNIQUE

// name: schema_await_indexes
CALL db.awaitIndexes(300)
