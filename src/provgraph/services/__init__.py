"""Use cases. Every call takes the acting Principal; authorization happens here, once (DESIGN 2)."""
