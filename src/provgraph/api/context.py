"""What every GraphQL resolver gets: the authenticated principal and the services."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from ..domain.principals import Principal
from ..services.container import Services


@dataclass
class RequestContext:
    request: Request
    response: Response
    principal: Principal
    services: Services


Info = StrawberryInfo[RequestContext, None]
