import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { model } from "../api/registry";
import { Loading, Section, entityPath } from "../components/common";
import { PageError } from "./RefusedPage";
import { AliasHistory, CurrentAliases } from "../registry/Aliases";
import { PromotionRequests } from "../registry/PromotionRequests";
import { VersionsTable } from "../registry/VersionsTable";
import { NotFoundPage } from "./NotFoundPage";

/** `/models/{id}`: versions with their runs, current aliases, alias history, promotion requests. */
export function ModelPage() {
  const { id = "" } = useParams();
  const found = useQuery({ queryKey: ["registry", "model", id], queryFn: () => model(id) });
  if (found.isPending) return <Loading />;
  if (found.isError) return <PageError error={found.error} what="this model" />;
  const m = found.data;
  if (!m) return <NotFoundPage />;
  return (
    <div className="page stack" data-testid="model-page">
      <header className="entity-header">
        <div className="entity-title">
          <h1>{m.entity.name}</h1>
          <span className="type-chip type-model">Model</span>
        </div>
        <div className="mono muted">{m.entity.qualifiedName}</div>
        {m.entity.description && <p>{m.entity.description}</p>}
        <p className="small">
          <Link to={entityPath(m.id)}>Entity and lineage</Link> · <Link to={`/deployments?model=${encodeURIComponent(m.id)}`}>Deployments</Link>
        </p>
      </header>
      <Section title="Current aliases" testId="aliases-section">
        <CurrentAliases aliases={m.aliases} />
      </Section>
      <Section title={`Versions (${m.versions.length})`} testId="versions-section">
        <VersionsTable versions={m.versions} />
      </Section>
      <Section title="Promotion requests" testId="promotions-section">
        <PromotionRequests versions={m.versions} />
      </Section>
      <Section title="Alias history" testId="alias-history-section">
        <AliasHistory history={m.aliasHistory} />
      </Section>
    </div>
  );
}
