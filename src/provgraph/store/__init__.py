"""Neo4j: driver lifecycle, named queries from cypher/, schema, repositories (docs/ARCHITECTURE.md §2)."""
