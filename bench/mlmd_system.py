"""Google ML Metadata (`ml-metadata` from PyPI) on SQLite, in process.

Model: datasets and model versions are Artifacts (types Dataset, ModelVersion); runs are Executions
(type Run) joined to them by INPUT / OUTPUT Events. MLMD has no artifact -> artifact edge, so a
deployment is an Execution (type Deployment) with its model version as an INPUT event: the same one hop.

Hops: MLMD's `max_num_hops` counts events, so artifact -> execution is one hop and execution -> artifact
another, exactly like provgraph's lineage edges (INPUT_TO, PRODUCED, DEPLOYED_AS are one hop each).
Checked on a chain a0 -> e1 -> a1 -> e2 -> a2: max_num_hops 1 gives {a0, e1}, 2 adds a1, 3 e2, 4 a2.
So provgraph `depth: d` is MLMD `max_num_hops: d`, and the node sets must be equal.
"""

from __future__ import annotations

from pathlib import Path

from .generator import LineageGraph

BATCH = 1_000


def available() -> str | None:
    """None when ml-metadata imports, else why not."""
    try:
        from ml_metadata.metadata_store import metadata_store  # noqa: F401
        from ml_metadata.proto import metadata_store_pb2  # noqa: F401
    except Exception as error:  # ImportError, or a protobuf mismatch surfacing as TypeError
        return f"{type(error).__name__}: {error}"
    return None


class MlmdSystem:
    def __init__(self, sqlite_path: Path) -> None:
        from ml_metadata.metadata_store import metadata_store
        from ml_metadata.proto import metadata_store_pb2 as pb

        self.pb = pb
        config = pb.ConnectionConfig()
        config.sqlite.filename_uri = str(sqlite_path)
        config.sqlite.connection_mode = pb.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
        self.store = metadata_store.MetadataStore(config)
        self.types = {
            "DATASET": self.store.put_artifact_type(pb.ArtifactType(name="Dataset")),
            "MODEL_VERSION": self.store.put_artifact_type(pb.ArtifactType(name="ModelVersion")),
            "RUN": self.store.put_execution_type(pb.ExecutionType(name="Run")),
            "DEPLOYMENT": self.store.put_execution_type(pb.ExecutionType(name="Deployment")),
        }
        self.artifacts: dict[str, object] = {}  # name -> stored Artifact (with id)
        self.artifact_names: dict[int, str] = {}
        self.execution_names: dict[int, str] = {}

    def ingest(self, graph: LineageGraph) -> None:
        pb = self.pb
        for start in range(0, len(graph.data), BATCH):
            chunk = [pb.Artifact(type_id=self.types[e.type], name=e.name) for e in graph.data[start : start + BATCH]]
            for artifact, artifact_id in zip(chunk, self.store.put_artifacts(chunk)):
                artifact.id = artifact_id
                self.artifacts[artifact.name] = artifact
                self.artifact_names[artifact_id] = artifact.name
        for run in graph.runs:
            self._execution("RUN", run.name, run.inputs, run.outputs)
        for mv, dep in graph.deployments:
            self._execution("DEPLOYMENT", dep, (mv,), ())

    def _execution(self, kind: str, name: str, inputs, outputs) -> None:
        pb = self.pb
        events = [(self.artifacts[n], pb.Event(type=pb.Event.INPUT)) for n in inputs]
        events += [(self.artifacts[n], pb.Event(type=pb.Event.OUTPUT)) for n in outputs]
        execution = pb.Execution(type_id=self.types[kind], name=name, last_known_state=pb.Execution.COMPLETE)
        execution_id, _, _ = self.store.put_execution(execution, events, [])
        self.execution_names[execution_id] = name

    def lineage(self, name: str, hops: int) -> set[str]:
        """The names of every artifact and execution within `hops` events downstream, the start included."""
        pb = self.pb
        options = pb.LineageSubgraphQueryOptions(
            starting_artifacts=pb.LineageSubgraphQueryOptions.StartingNodes(
                filter_query=f"id = {self.artifacts[name].id}"
            ),
            max_num_hops=hops,
            direction=pb.LineageSubgraphQueryOptions.DOWNSTREAM,
        )
        graph = self.store.get_lineage_subgraph(options)
        return {a.name for a in graph.artifacts} | {e.name for e in graph.executions}
