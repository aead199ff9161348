"""Regenerates the sample reports under docs/examples/reports/ from the demo story.

    NEO4J_URI=bolt://127.0.0.1:7687 python docs/examples/generate.py      # an EMPTY store, or the demo's
    python docs/examples/generate.py                                       # the embedded Neo4j (started, stopped)

Loads the demo into an empty store (it never touches a store holding anything else: the demo loader
refuses), then tags `crm.customers` as PII, the way a data steward would, so the samples show a
restricted classification flowing from the source to the deployed model. Writes the provenance report
of churn-classifier v3 (the deployed champion) in every format and the PII record of processing
(classification report) in every format it has. The same files come from the CLI:

    provgraph report provenance <v3 id> --format html --out provenance.html
    provgraph report classification PII --format md
"""

from __future__ import annotations

import sys
from pathlib import Path

from provgraph.cli.runtime import CLI_ADMIN, Runtime
from provgraph.report_formats import CLASSIFICATION_FORMATS, PROVENANCE_FORMATS, render
from provgraph.domain.entities import EntityType
from provgraph.services.container import Services
from provgraph.services.demo import DEMO_PRINCIPAL, load_demo

OUT = Path(__file__).resolve().parent / "reports"
MODEL_VERSION = "registry://acme/churn-classifier/v3"
CUSTOMERS = "postgres://crm/public.customers"


async def generate(services: Services) -> list[Path]:
    if await load_demo(services):
        customers = await services.entities.get_by_name(DEMO_PRINCIPAL, EntityType.DATASET, CUSTOMERS)
        await services.classifications.classify(DEMO_PRINCIPAL, customers.id, "PII", None, None, False)
    model = await services.entities.get_by_name(DEMO_PRINCIPAL, EntityType.MODEL_VERSION, MODEL_VERSION)
    if model is None:
        raise SystemExit(f"{MODEL_VERSION} is missing: run against an empty store so the demo loads")
    provenance = await services.reports.provenance(CLI_ADMIN, model.id)
    classification = await services.reports.classification_report(CLI_ADMIN, "PII")
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for report, formats in ((provenance, PROVENANCE_FORMATS), (classification, CLASSIFICATION_FORMATS)):
        for fmt in formats:
            rendered = render(report, fmt)
            path = OUT / rendered.filename
            path.write_text(rendered.content, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in Runtime.from_environment().run(generate):
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path, file=sys.stderr)
