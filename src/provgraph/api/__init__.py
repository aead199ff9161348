"""HTTP and GraphQL: the starlette app, strawberry schema, request authentication (DESIGN 2)."""
