"""provgraph: lineage and governance for machine-learning metadata, stored as a graph in Neo4j."""

__version__ = "0.1.0"
