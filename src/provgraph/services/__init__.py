"""Use cases. Every call takes the acting Principal; authorization happens here, once (docs/ARCHITECTURE.md §2)."""
