import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { deployment, versionLabels } from "../api/registry";
import { Loading, Section, entityPath, formatTime } from "../components/common";
import { PageError } from "./RefusedPage";
import { AlertRules, OpenAlerts } from "../registry/Alerting";
import { DeploymentHistory } from "../registry/DeploymentHistory";
import { formatShare, namedVersionIds } from "../registry/logic";
import { MonitoringCharts } from "../registry/MonitoringCharts";
import { RollbackPanel } from "../registry/RollbackPanel";
import { VersionName } from "../registry/VersionName";
import { NotFoundPage } from "./NotFoundPage";

/** `/deployments/{id}`: what serves now, its history and rollback stack, Roll back, alerting and monitoring. */
export function DeploymentPage() {
  const { id = "" } = useParams();
  const found = useQuery({ queryKey: ["registry", "deployment", id], queryFn: () => deployment(id) });
  const ids = found.data ? namedVersionIds(found.data) : [];
  const labels = useQuery({ queryKey: ["registry", "versionLabels", ids.join(",")], queryFn: () => versionLabels(ids), enabled: ids.length > 0, placeholderData: (previous) => previous });
  if (found.isPending) return <Loading />;
  if (found.isError) return <PageError error={found.error} what="this deployment" />;
  const d = found.data;
  if (!d) return <NotFoundPage />;
  return (
    <div className="page stack" data-testid="deployment-page">
      <header className="entity-header">
        <div className="entity-title">
          <h1>{d.entity.name}</h1>
          <span className="type-chip type-deployment">Deployment</span>
          <span className={`reg-status reg-status-${(d.status ?? "unknown").toLowerCase()}`}>{d.status?.toLowerCase()}</span>
        </div>
        <div className="mono muted">{d.entity.qualifiedName}</div>
        <p className="small">
          <Link to={entityPath(d.id)}>Entity and lineage</Link>
        </p>
      </header>
      <div className="summary-row">
        <div className="stat" data-testid="live-version">
          <span className="stat-value reg-stat-text">
            <VersionName id={d.liveVersionId} labels={labels.data} />
          </span>
          <span className="stat-label">live version{d.liveSince ? ` since ${formatTime(d.liveSince)}` : ""}</span>
        </div>
        <div className="stat" data-testid="traffic-share">
          <span className="stat-value">{formatShare(d.trafficShare)}</span>
          <span className="stat-label">traffic share</span>
        </div>
        <div className="stat">
          <span className="stat-value reg-stat-text">{d.environment ?? "–"}</span>
          <span className="stat-label">environment</span>
        </div>
        <div className="stat">
          <span className="stat-value reg-stat-text mono">{d.endpoint ?? "–"}</span>
          <span className="stat-label">endpoint</span>
        </div>
      </div>
      <Section title="Rollback stack" testId="rollback-section">
        <RollbackPanel deployment={d} labels={labels.data} />
      </Section>
      <Section title={`Open alerts (${d.alerts.totalCount})`} testId="alerts-section">
        <OpenAlerts alerts={d.alerts.edges.map((e) => e.node)} total={d.alerts.totalCount} />
      </Section>
      <Section title="Alert rules" testId="rules-section">
        <AlertRules rules={d.alertRules} />
      </Section>
      <Section title="Monitoring" testId="monitoring-section">
        <MonitoringCharts series={d.metrics} rules={d.alertRules} deploymentName={d.entity.name} />
      </Section>
      <Section title="Status history" testId="history-section">
        <DeploymentHistory history={d.history} labels={labels.data} />
      </Section>
    </div>
  );
}
