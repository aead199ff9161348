"""The data model: pydantic models and enums. No I/O here (docs/ARCHITECTURE.md §2)."""
