"""Feature-level (column) lineage: `(Feature)-[:DERIVES]->(Feature)` edges, and how a Feature's lineage
reaches the dataset level (cypher/traversal.cypher, "Hops").

From a Feature root, lineage follows DERIVES edges, and its container (the Dataset or DatasetVersion
holding it) is one hop away: the container is at distance 1 and the dataset-level flow continues from
it. The answer shows that step as the HAS_FEATURE edge from the container to the root. Containment is
never followed from a container into its features, so dataset-level answers stay dataset-level."""

from __future__ import annotations

from .graph import Graph


def customers(admin) -> Graph:
    #   dataset level:  customers -> hash_job -> hashed -> train -> churn_v1 -> prod
    #   feature level:  email ─DERIVES─> email_hash ─DERIVES─> email_domain
    #   containment:    customers ⊃ email, phone;  hashed ⊃ email_hash;  domains ⊃ email_domain
    g = Graph(admin, dataset="customers hashed domains", run="hash_job train", feature="email phone email_hash email_domain",
              model_version="churn_v1", deployment="prod")
    g.contain("customers", "email", "phone")
    g.contain("hashed", "email_hash")
    g.contain("domains", "email_domain")
    g.link("customers -> hash_job -> hashed -> train -> churn_v1 -> prod")
    g.link("email -> email_hash -> email_domain")
    return g


def test_link_lineage_between_two_features_creates_derives(admin):
    g = Graph(admin, feature="a b")
    edge = admin.data(
        "mutation($s: ID!, $t: ID!) { linkLineage(sourceId: $s, targetId: $t) { source target type } }",
        {"s": g.ids["a"], "t": g.ids["b"]},
    )["linkLineage"]
    assert edge == {"source": g.ids["a"], "target": g.ids["b"], "type": "DERIVES"}


def test_derives_chains_are_followed_both_ways(admin):
    g = Graph(admin, feature="a b c d")
    g.link("a -> b -> c -> d")
    answer = g.lineage("a", "DOWNSTREAM", 2)
    assert answer.distances == {"a": 0, "b": 1, "c": 2}
    assert answer.kinds == {"a -> b": "DERIVES", "b -> c": "DERIVES"}
    assert g.lineage("d", "UPSTREAM", 10).distances == {"d": 0, "c": 1, "b": 2, "a": 3}


def test_a_feature_reaches_its_dataset_one_hop_away_and_the_dataset_flow_beyond(admin):
    g = customers(admin)
    answer = g.lineage("email", "DOWNSTREAM", 3)
    assert answer.distances == {
        "email": 0,
        "email_hash": 1, "email_domain": 2,        # feature level
        "customers": 1, "hash_job": 2, "hashed": 3,  # its dataset, then the dataset-level flow
    }
    assert answer.kinds == {
        "email -> email_hash": "DERIVES",
        "email_hash -> email_domain": "DERIVES",
        "customers -> email": "HAS_FEATURE",
        "customers -> hash_job": "INPUT_TO",
        "hash_job -> hashed": "PRODUCED",
    }
    # phone is the dataset's other column: not derived from email, never entered from the dataset.
    assert "phone" not in g.lineage("email", "BOTH", 10).distances


def test_upstream_of_a_feature_is_its_sources_and_its_dataset_upstream(admin):
    g = customers(admin)
    answer = g.lineage("email_hash", "UPSTREAM", 5)
    assert answer.distances == {"email_hash": 0, "email": 1, "hashed": 1, "hash_job": 2, "customers": 3}
    assert answer.kinds["hashed -> email_hash"] == "HAS_FEATURE"


def test_the_container_step_counts_against_depth(admin):
    g = customers(admin)
    assert g.lineage("email", "DOWNSTREAM", 1).distances == {"email": 0, "email_hash": 1, "customers": 1}
    assert g.lineage("email", "DOWNSTREAM", 0).distances == {"email": 0}


def test_a_dataset_answer_stays_at_the_dataset_level(admin):
    g = customers(admin)
    answer = g.lineage("customers", "BOTH", 10)
    assert answer.distances == {"customers": 0, "hash_job": 1, "hashed": 2, "train": 3, "churn_v1": 4, "prod": 5}


def test_a_feature_in_a_dataset_version_reaches_that_version(admin):
    g = Graph(admin, dataset="sales", dataset_version="sales_v2", run="report", feature="amount")
    g.contain("sales", "sales_v2")
    g.contain("sales_v2", "amount")
    g.link("sales_v2 -> report")
    answer = g.lineage("amount", "DOWNSTREAM", 5)
    assert answer.distances == {"amount": 0, "sales_v2": 1, "report": 2}
    assert answer.kinds["sales_v2 -> amount"] == "HAS_FEATURE"


def test_path_from_a_feature_goes_through_its_dataset(admin):
    g = customers(admin)
    assert g.path("email", "prod") == ["email", "customers", "hash_job", "hashed", "train", "churn_v1", "prod"]
    assert g.path("email", "email_domain") == ["email", "email_hash", "email_domain"]
    assert g.path("email", "customers") == ["email", "customers"]
    assert g.path("email_domain", "email") is None


def test_impact_of_a_column_reaches_the_models_and_deployments_built_on_its_dataset(admin):
    g = customers(admin)
    g.own("churn_v1", "mia")
    impact = g.impact("email")
    assert impact["distances"] == {
        "email_hash": 1, "email_domain": 2,
        "customers": 1, "hash_job": 2, "hashed": 3, "train": 4, "churn_v1": 5, "prod": 6,
    }
    assert impact["byType"] == {"DATASET": 2, "FEATURE": 2, "RUN": 2, "MODEL_VERSION": 1, "DEPLOYMENT": 1}
    assert (impact["deployments"], impact["owners"]) == (["prod"], ["mia"])


def test_feature_lineage_as_of_a_time(admin):
    g = customers(admin)
    linked = g.moment()
    g.unlink("email_hash", "email_domain")
    assert "email_domain" not in g.lineage("email", "DOWNSTREAM", 5).distances
    assert g.lineage("email", "DOWNSTREAM", 5, asOf=linked).distances["email_domain"] == 2


def test_a_deleted_container_is_not_a_step(admin):
    g = customers(admin)
    g.delete("customers")
    assert g.lineage("email", "DOWNSTREAM", 5).distances == {"email": 0, "email_hash": 1, "email_domain": 2}

