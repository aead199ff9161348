"""Concurrent writers: Neo4j reads committed data, so without the propagation lock a classify and an
edge change running at the same time can each miss the other (the new edge is not followed, or the new
tag is not pushed over it). Whatever the interleaving, the end state must equal the rule."""

from __future__ import annotations

import asyncio

from provgraph.domain.principals import Principal

from .graph import Graph

ADMIN = Principal(name="admin", roles=("admin",))


def test_a_tag_and_new_edges_written_at_the_same_time_end_exact(admin, services, http):
    #   raw -> etl -> clean,  then at once:  classify raw PII  ||  clean -> report_1..6 -> out_1..6
    reports = [f"report_{i}" for i in range(6)]
    outs = [f"out_{i}" for i in range(6)]
    g = Graph(admin, dataset=" ".join(["raw", "clean", *outs]), run=" ".join(["etl", *reports]))
    g.link("raw -> etl -> clean")
    ids = g.ids

    async def at_once() -> None:
        writes = [services.classifications.classify(ADMIN, ids["raw"], "PII")]
        for report, out in zip(reports, outs):
            writes.append(services.ingest.link_lineage(ADMIN, ids["clean"], ids[report]))
            writes.append(services.ingest.link_lineage(ADMIN, ids[report], ids[out]))
        await asyncio.gather(*writes)

    http.portal.call(at_once)
    assert g.holders("PII") == {name: {"raw"} for name in ["raw", "etl", "clean", *reports, *outs]}


def test_a_cut_and_a_tag_written_at_the_same_time_end_exact(admin, services, http):
    #   raw -> etl -> clean -> report -> summary;  at once: classify raw PII || unlink etl -> clean
    g = Graph(admin, dataset="raw clean summary", run="etl report")
    g.link("raw -> etl -> clean -> report -> summary")
    ids = g.ids

    async def at_once() -> None:
        await asyncio.gather(
            services.ingest.unlink_lineage(ADMIN, ids["etl"], ids["clean"]),
            services.classifications.classify(ADMIN, ids["raw"], "PII"),
        )

    http.portal.call(at_once)
    assert g.holders("PII") == {"raw": {"raw"}, "etl": {"raw"}}
