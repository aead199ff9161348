"""Report downloads over HTTP (docs/ARCHITECTURE.md §2: report downloads):

    GET /api/v1/reports/provenance/{id}?format=json|md|html|prov&since=&until=
    GET /api/v1/reports/classification/{name}?format=json|md|html

The body is the rendered report with its media type and a Content-Disposition filename; the digest is
also sent as `X-Report-Digest`. Errors are the same JSON as GraphQL's (`errors[0].extensions.code`),
with the status of the domain error: 404 unknown id, 400 bad format or window.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..domain.errors import ProvgraphError
from .auth import error_body
from ..report_formats import Rendered, check_format, parse_moment, render


def _download(rendered: Rendered, digest: str) -> Response:
    return Response(
        rendered.bytes,
        media_type=rendered.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{rendered.filename}"',
            "X-Report-Digest": digest,
        },
    )


async def provenance_report(request: Request) -> Response:
    try:
        fmt = check_format(request.query_params.get("format"), "provenance")
        query = request.query_params
        since, until = parse_moment(query.get("since"), "since"), parse_moment(query.get("until"), "until")
        services = request.app.state.services
        report = await services.reports.provenance(request.state.principal, request.path_params["id"], since, until)
        return _download(render(report, fmt), report.digest)
    except ProvgraphError as error:
        return Response(error_body(error), status_code=error.status, media_type="application/json")


async def classification_report(request: Request) -> Response:
    try:
        fmt = check_format(request.query_params.get("format"), "classification")
        services = request.app.state.services
        report = await services.reports.classification_report(request.state.principal, request.path_params["name"])
        return _download(render(report, fmt), report.digest)
    except ProvgraphError as error:
        return Response(error_body(error), status_code=error.status, media_type="application/json")
