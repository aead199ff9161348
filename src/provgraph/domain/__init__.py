"""The data model: pydantic models and enums. No I/O here (DESIGN 2)."""
