"""The canonical JSON: keys sorted, lists in the order the report fixes (by type, distance and id), so
the same report always gives the same text. Indented for people; the digest is over the compact form
(domain/reports.py `canonical_json`), which anyone can recompute from this file."""

from __future__ import annotations

import json

from ..domain.reports import Report, report_content


def render(report: Report) -> str:
    return json.dumps(report_content(report), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
