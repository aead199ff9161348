"""What every GraphQL resolver gets: the authenticated principal and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    # This request's DataLoaders, made on first use (api/containment.py): one query per field per batch.
    loaders: dict[str, Any] = field(default_factory=dict)


Info = StrawberryInfo[RequestContext, None]
