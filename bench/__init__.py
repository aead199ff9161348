"""provgraph benchmarks: `python -m bench run --size 100k` (see bench/README.md).

The single scripts next to this package (upsert_10k.py, client_metrics.py, authz_overhead.py, ...) stay
runnable on their own; the package is the side-by-side run against raw Cypher and ML Metadata.
"""
