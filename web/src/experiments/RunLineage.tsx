import { Link } from "react-router";
import { useRunNeighbours } from "../api/experimentHooks";
import type { LineageNode } from "../api/types";
import { Loading, QueryError, Section, TypeChip, entityPath } from "../components/common";

function NodeBox({ node }: { node: LineageNode }) {
  if (node.restricted || !node.entity) {
    return (
      <div className="exp-lnode exp-lnode-restricted" data-testid="run-lineage-node">
        <TypeChip type={node.type} /> <span className="muted">restricted</span>
      </div>
    );
  }
  return (
    <Link to={entityPath(node.id, "lineage")} className="exp-lnode" data-testid="run-lineage-node" title={node.entity.qualifiedName}>
      <TypeChip type={node.type} /> <span className="exp-lnode-name">{node.entity.name}</span>
    </Link>
  );
}

function Column({ nodes, empty, testId }: { nodes: LineageNode[]; empty: string; testId: string }) {
  return (
    <div className="exp-lcol" data-testid={testId}>
      {nodes.length ? nodes.map((n) => <NodeBox key={n.id} node={n} />) : <span className="muted">{empty}</span>}
    </div>
  );
}

/**
 * The run's inputs and outputs, one hop of lineage drawn left to right (inputs -> run -> outputs);
 * each links to part 1's explorer, as does the run itself.
 */
export function RunLineage({ runId, runName, hasLinks }: { runId: string; runName: string; hasLinks: boolean }) {
  const lineage = useRunNeighbours(runId, hasLinks);
  const byId = new Map((lineage.data?.nodes ?? []).map((n) => [n.id, n]));
  const inputs = (lineage.data?.edges ?? []).filter((e) => e.target === runId).map((e) => byId.get(e.source));
  const outputs = (lineage.data?.edges ?? []).filter((e) => e.source === runId).map((e) => byId.get(e.target));
  const defined = (list: (LineageNode | undefined)[]) => [...new Set(list.filter((n): n is LineageNode => !!n))];
  return (
    <Section
      title="Inputs and outputs"
      testId="run-lineage"
      actions={<Link to={entityPath(runId, "lineage")} data-testid="run-lineage-explorer">Open in lineage explorer</Link>}
    >
      {!hasLinks ? <p className="muted">This run recorded no inputs or outputs.</p> : null}
      {hasLinks && lineage.isPending ? <Loading what="Loading lineage" /> : null}
      {lineage.isError ? <QueryError error={lineage.error} /> : null}
      {lineage.isSuccess ? (
        <div className="exp-lgraph">
          <Column nodes={defined(inputs)} empty="no inputs" testId="run-inputs" />
          <span className="exp-larrow" aria-hidden="true">→</span>
          <div className="exp-lcol">
            <div className="exp-lnode exp-lnode-root">
              <TypeChip type="RUN" /> <span className="exp-lnode-name">{runName}</span>
            </div>
          </div>
          <span className="exp-larrow" aria-hidden="true">→</span>
          <Column nodes={defined(outputs)} empty="no outputs" testId="run-outputs" />
        </div>
      ) : null}
    </Section>
  );
}
