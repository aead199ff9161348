"""Neo4j: driver lifecycle, named queries from cypher/, schema, repositories (DESIGN 2)."""
