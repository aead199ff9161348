"""Synthetic ML lineage graphs: layered DAGs, deterministic for a seed.

    data layer 0 (DATASET sources) -> run layer 1 (RUN) -> data layer 1 (DATASET) -> ... -> run layer R
    -> data layer R (MODEL_VERSION) -> DEPLOYMENT (one for every 4th model version)

Every run reads `fan_in` entities sampled from the data layer before it and produces `fan_out` entities
of the next data layer; each data entity (after layer 0) is produced by exactly one run, as in real
pipelines. So a data entity feeds fan_in / fan_out runs on average and a downstream search grows about
fan_in times every two hops: with the defaults (fan_in 8, fan_out 4) depth 6 from a source reaches some
700 entities on a large graph, the 500+ node subgraphs the lineage target is about. A share of the
sources (`tagged_share`) is tagged PII (a restricted classification) for the authorization figures.

Names are qualified names (`bench://d2/17`); the three systems store the same names, which is how their
answers are compared.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}


@dataclass(frozen=True)
class Shape:
    entities: int = 100_000
    run_layers: int = 5
    fan_in: int = 8
    fan_out: int = 4
    tagged_share: float = 0.002
    seed: int = 7

    @property
    def layer_width(self) -> int:
        """Data entities per data layer, so that the whole graph holds about `entities`:
        (R + 1) data layers + R run layers of width / fan_out + width / 4 deployments."""
        per_width = (self.run_layers + 1) + self.run_layers / self.fan_out + 0.25
        width = int(self.entities / per_width)
        return max(self.fan_out * 4, width - width % (self.fan_out * 4))


@dataclass(frozen=True)
class Entity:
    name: str  # the qualified name, the same in every system
    type: str  # the provgraph EntityType name: DATASET, RUN, MODEL_VERSION, DEPLOYMENT


@dataclass(frozen=True)
class Process:
    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass
class LineageGraph:
    shape: Shape
    sources: list[str]
    data: list[Entity]  # every data entity, sources first, layer by layer
    runs: list[Process]
    deployments: list[tuple[str, str]]  # (model version, deployment)
    tagged: list[str]  # sources tagged PII
    downstream: dict[str, list[str]] = field(default_factory=dict)  # name -> direct downstream names

    @property
    def entity_count(self) -> int:
        return len(self.data) + len(self.runs) + len(self.deployments)

    @property
    def edge_count(self) -> int:
        return sum(len(r.inputs) + len(r.outputs) for r in self.runs) + len(self.deployments)

    def reach(self, start: str, depth: int | None = None) -> dict[str, int]:
        """Every entity within `depth` hops downstream of `start` (all of them with None), at its shortest
        distance, the start included at 0: the expected answer the three systems are checked against."""
        seen = {start: 0}
        queue = deque([start])
        while queue:
            name = queue.popleft()
            if depth is not None and seen[name] >= depth:
                continue
            for nxt in self.downstream.get(name, ()):
                if nxt not in seen:
                    seen[nxt] = seen[name] + 1
                    queue.append(nxt)
        return seen


def generate(shape: Shape) -> LineageGraph:
    rng = random.Random(shape.seed)
    width = shape.layer_width
    runs_per_layer = width // shape.fan_out
    data: list[Entity] = []
    runs: list[Process] = []
    layer = [f"bench://d0/{i}" for i in range(width)]
    data += [Entity(n, "DATASET") for n in layer]
    sources = list(layer)
    for k in range(1, shape.run_layers + 1):
        kind = "MODEL_VERSION" if k == shape.run_layers else "DATASET"
        produced = [f"bench://d{k}/{i}" for i in range(width)]
        order = list(produced)
        rng.shuffle(order)
        for i in range(runs_per_layer):
            runs.append(
                Process(
                    name=f"bench://r{k}/{i}",
                    inputs=tuple(rng.sample(layer, min(shape.fan_in, len(layer)))),
                    outputs=tuple(order[i * shape.fan_out : (i + 1) * shape.fan_out]),
                )
            )
        data += [Entity(n, kind) for n in produced]
        layer = produced
    deployments = [(mv, f"bench://deploy/{i}") for i, mv in enumerate(layer[::4])]
    tagged = sorted(rng.sample(sources, max(1, round(shape.tagged_share * len(sources)))))

    downstream: dict[str, list[str]] = {}
    for run in runs:
        for i in run.inputs:
            downstream.setdefault(i, []).append(run.name)
        downstream[run.name] = list(run.outputs)
    for mv, dep in deployments:
        downstream.setdefault(mv, []).append(dep)
    return LineageGraph(shape, sources, data, runs, deployments, tagged, downstream)


def size_of(label: str) -> int:
    """'100k' -> 100000; a plain number is taken as is."""
    key = label.lower()
    return SIZES[key] if key in SIZES else int(label)
