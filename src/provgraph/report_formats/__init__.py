"""Report renderings (presentation, docs/ARCHITECTURE.md §2): the canonical JSON, Markdown, a self-contained
HTML page and, for provenance, W3C PROV-JSON. Each renderer takes the domain report and returns text; HTTP,
CLI and the docs examples all go through `render`, so the same report gives the same bytes everywhere.
Pure functions over domain/reports.py, so the API and the CLI both import them from below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ..domain.errors import BadInput
from ..domain.reports import ClassificationReport, ProvenanceReport, Report
from . import html, json_format, markdown, prov


@dataclass(frozen=True)
class Rendered:
    content: str
    media_type: str
    filename: str

    @property
    def bytes(self) -> bytes:
        return self.content.encode("utf-8")


PROVENANCE_FORMATS = ("json", "md", "html", "prov")
CLASSIFICATION_FORMATS = ("json", "md", "html")
_MEDIA = {
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "prov": ("application/json", "prov.json"),
}


def supported_formats(report_kind: str) -> tuple[str, ...]:
    return PROVENANCE_FORMATS if report_kind == "provenance" else CLASSIFICATION_FORMATS


def check_format(fmt: str | None, report_kind: str, field: str = "format") -> str:
    """The format, lower-cased; BAD_INPUT naming the supported ones otherwise. Checked before the
    report is built, so a bad format costs nothing and audits nothing."""
    supported = supported_formats(report_kind)
    value = (fmt or "json").strip().lower()
    if value == "markdown":
        value = "md"
    if value not in supported:
        raise BadInput(
            f"{field}: {fmt!r} is not a supported format for a {report_kind} report (supported: {', '.join(supported)})",
            field=field,
        )
    return value


def render(report: Report, fmt: str) -> Rendered:
    fmt = check_format(fmt, report.kind)
    media_type, extension = _MEDIA[fmt]
    if fmt == "json":
        content = json_format.render(report)
    elif fmt == "md":
        content = markdown.render(report)
    elif fmt == "html":
        content = html.render(report)
    else:
        assert isinstance(report, ProvenanceReport)
        content = prov.render(report)
    return Rendered(content, media_type, f"{_stem(report)}.{extension}")


def _stem(report: Report) -> str:
    if isinstance(report, ClassificationReport):
        name = f"classification-{report.classification.name}"
    else:
        name = f"provenance-{report.subject.name or report.subject.id}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:120] or "report"


def parse_moment(text: str | None, field: str) -> datetime | None:
    """A report window bound from the CLI or a query string: ISO 8601, `Z` allowed; empty means none."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"{field}: {text!r} is not an ISO 8601 date-time (e.g. 2026-11-01T00:00:00Z)", field=field) from None
