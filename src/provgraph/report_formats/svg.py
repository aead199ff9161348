"""The lineage of a provenance report drawn as an inline SVG: a layered left-to-right layout where a
node's column is its signed distance from the subject (upstream to the left, deployments to the right),
so data flows left to right. Computed here, in Python, so the HTML needs no script to show it."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from ..domain.entities import FLOW_TYPES, EntityType
from ..domain.reports import Lineage, Node

BOX_W, BOX_H = 176, 46
COL_GAP, ROW_GAP = 56, 22
MARGIN = 16
MAX_LABEL = 24

_FILL = {
    "data": ("#e8f1fb", "#2f6db5"),
    "process": ("#fff3e0", "#c77800"),
    "model": ("#e9f7ef", "#1e8449"),
    "deployment": ("#f3e8fb", "#7d3c98"),
    "subject": ("#fffbe6", "#b7950b"),
    "restricted": ("#eeeeee", "#7f7f7f"),
}


def _style(node: Node) -> tuple[str, str]:
    if node.restricted:
        return _FILL["restricted"]
    if node.direction == "subject":
        return _FILL["subject"]
    if node.type in FLOW_TYPES:
        return _FILL["process"]
    if node.type in (EntityType.MODEL, EntityType.MODEL_VERSION):
        return _FILL["model"]
    if node.type is EntityType.DEPLOYMENT:
        return _FILL["deployment"]
    return _FILL["data"]


def label(node: Node) -> str:
    """What a box says: the entity's name, or `restricted <Type>` for a node the reader may not see."""
    text = f"restricted {node.type.value}" if node.restricted else (node.name or node.id)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def layout(lineage: Lineage) -> dict[str, tuple[int, int]]:
    """Node id -> (column, row)."""
    columns: dict[int, list[Node]] = defaultdict(list)
    for node in lineage.nodes:
        signed = -node.distance if node.direction == "upstream" else node.distance
        columns[signed].append(node)
    first = min(columns) if columns else 0
    placed = {}
    for signed, nodes in columns.items():
        for row, node in enumerate(sorted(nodes, key=lambda n: (n.type.value, label(n), n.id))):
            placed[node.id] = (signed - first, row)
    return placed


def render(lineage: Lineage) -> str:
    placed = layout(lineage)
    cols = max((c for c, _ in placed.values()), default=0) + 1
    rows = max((r for _, r in placed.values()), default=0) + 1
    width = MARGIN * 2 + cols * BOX_W + (cols - 1) * COL_GAP
    height = MARGIN * 2 + rows * BOX_H + (rows - 1) * ROW_GAP

    def corner(node_id: str) -> tuple[int, int]:
        col, row = placed[node_id]
        return MARGIN + col * (BOX_W + COL_GAP), MARGIN + row * (BOX_H + ROW_GAP)

    out = [
        # Scales down to the page (and paper) width, but never below 55%: wider graphs scroll instead.
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" role="img" aria-label="lineage graph" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'style="width:100%;max-width:{width}px;min-width:{int(width * 0.55)}px;height:auto">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for edge in lineage.edges:
        if edge.source not in placed or edge.target not in placed:
            continue
        sx, sy = corner(edge.source)
        tx, ty = corner(edge.target)
        x1, y1, x2, y2 = sx + BOX_W, sy + BOX_H // 2, tx, ty + BOX_H // 2
        bend = max(40, abs(x2 - x1) // 2)
        out.append(
            f'<path class="edge" d="M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}" fill="none" '
            f'stroke="#555" stroke-width="1.4" marker-end="url(#arrow)"><title>{escape(edge.type)}</title></path>'
        )
    for node in lineage.nodes:
        x, y = corner(node.id)
        fill, stroke = _style(node)
        title = f"{node.type.value} {node.id}" if node.restricted else f"{node.type.value}: {node.qualified_name or node.id}"
        dash = ' stroke-dasharray="4 3"' if node.restricted else ""
        out.append(
            f'<g class="node" data-id="{escape(node.id)}"><title>{escape(title)}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{2.5 if node.direction == "subject" else 1.2}"{dash}/>'
            f'<text x="{x + 10}" y="{y + 19}" font-size="12.5" font-weight="600" fill="#222">{escape(label(node))}</text>'
            f'<text x="{x + 10}" y="{y + 36}" font-size="11" fill="#555">{escape(node.type.value)} · '
            f'{"subject" if node.direction == "subject" else f"{node.direction} {node.distance}"}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)
