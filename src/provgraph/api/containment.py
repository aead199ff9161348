"""The per-request DataLoaders behind `Entity.container` and `Entity.members`.

Every entity of one request that asks for its container (or a page of its members) is answered by one
query for the whole batch, however many entities a list holds; the service checks access and audits.
"""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from ..domain.entities import Entity
from ..domain.pages import Page
from ..store.entities import MembersWanted
from .context import Info

ContainerLoader = DataLoader[str, Entity | None]
MembersLoader = DataLoader[MembersWanted, Page[Entity]]


def container_loader(info: Info) -> ContainerLoader:
    ctx = info.context

    async def load(member_ids: list[str]) -> list[Entity | None]:
        found = await ctx.services.entities.containers(ctx.principal, member_ids)
        return [found.get(i) for i in member_ids]

    return ctx.loaders.setdefault("container", DataLoader(load_fn=load))


def members_loader(info: Info) -> MembersLoader:
    ctx = info.context

    async def load(wanted: list[MembersWanted]) -> list[Page[Entity]]:
        pages = await ctx.services.entities.members(ctx.principal, wanted)
        return [pages[w] for w in wanted]

    return ctx.loaders.setdefault("members", DataLoader(load_fn=load))
