"""HTTP and GraphQL: the starlette app, strawberry schema, request authentication (docs/ARCHITECTURE.md §2)."""
