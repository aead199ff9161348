import { Link, useParams } from "react-router";
import { useRun } from "../api/experimentHooks";
import type { RunDetail } from "../api/experimentTypes";
import { EntityLink, Loading } from "../components/common";
import { RunCharts } from "../experiments/RunCharts";
import { RunEnvironmentSection, RunParams, RunStatusSection } from "../experiments/RunFacts";
import { RunLineage } from "../experiments/RunLineage";
import { experimentPath } from "../experiments/paths";
import { isBadId } from "../experiments/missing";
import { NotFoundPage } from "./NotFoundPage";
import { PageError } from "./RefusedPage";

/** `/runs/{id}`: everything about one run, its charts, and its inputs and outputs. */
export function RunPage() {
  const { id = "" } = useParams();
  const query = useRun(id);
  if (query.isPending) return <Loading what="Loading run" />;
  if (query.isError) return isBadId(query.error) ? <NotFoundPage /> : <PageError error={query.error} what="runs" />;
  if (!query.data) return <NotFoundPage />;
  return <RunView run={query.data} />;
}

function RunView({ run }: { run: RunDetail }) {
  return (
    <div className="exp-page" data-testid="run-page">
      <p className="muted">
        <Link to="/experiments">Experiments</Link> /{" "}
        {run.experimentId ? <Link to={experimentPath(run.experimentId)} data-testid="run-experiment-link">experiment</Link> : null}
      </p>
      <h1 data-testid="run-name">{run.name}</h1>
      <p className="muted"><EntityLink entity={run.entity} /></p>
      <div className="grid-2">
        <div className="stack">
          <RunParams run={run} />
          <RunStatusSection run={run} />
        </div>
        <div className="stack">
          <RunEnvironmentSection run={run} />
          <RunLineage runId={run.id} runName={run.name} hasLinks={run.inputIds.length + run.outputIds.length > 0} />
        </div>
      </div>
      <RunCharts runName={run.name} metrics={run.metrics} />
    </div>
  );
}
