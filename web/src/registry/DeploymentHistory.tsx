/** A deployment's changes, newest first: what was served before and after, by whom, why. */

import type { DeploymentEvent } from "../api/registryTypes";
import { formatTime } from "../components/common";
import { formatShare } from "./logic";
import { VersionName, type VersionLabels } from "./VersionName";

const KIND_LABEL: Record<DeploymentEvent["kind"], string> = {
  ROLLED_OUT: "rolled out",
  SCALED: "scaled",
  ROLLED_BACK: "rolled back",
  RETIRED: "retired",
};

export function DeploymentHistory({ history, labels }: { history: DeploymentEvent[]; labels: VersionLabels | undefined }) {
  if (!history.length) return <p className="empty">No changes recorded.</p>;
  return (
    <table className="table" data-testid="deployment-history">
      <thead>
        <tr>
          <th>When</th>
          <th>Change</th>
          <th>Serving</th>
          <th>Before</th>
          <th className="num">Traffic</th>
          <th>By</th>
          <th>Comment</th>
        </tr>
      </thead>
      <tbody>
        {history.map((e) => (
          <tr key={e.seq} data-testid={`deployment-event-${e.seq}`}>
            <td className="small">{formatTime(e.at)}</td>
            <td>
              <span className={`reg-event reg-event-${e.kind.toLowerCase()}`}>{KIND_LABEL[e.kind]}</span>
            </td>
            <td>
              <VersionName id={e.versionId} labels={labels} />
            </td>
            <td>{e.previousVersionId ? <VersionName id={e.previousVersionId} labels={labels} /> : <span className="muted">–</span>}</td>
            <td className="num">{formatShare(e.trafficShare)}</td>
            <td>{e.principal}</td>
            <td className="muted">{e.comment}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
