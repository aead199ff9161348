"""OpenLineage, protocol-neutral: its events' wire model and their mapping to domain reports (events.py)."""
