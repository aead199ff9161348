import { useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { useParams } from "react-router";
import { impact } from "../api/queries";
import type { Entity, Impact, LineageNode } from "../api/types";
import { typeLabel } from "../api/types";
import { useEntity } from "../api/useEntity";
import { EntityHeader } from "../components/EntityHeader";
import { EntityLink, Loading, QueryError, Section, TypeChip } from "../components/common";
import { downloadText, toCsv } from "../lineage/csv";
import { NotFoundPage } from "./NotFoundPage";

export function ImpactPage() {
  const { id = "" } = useParams();
  const root = useEntity(id);
  const answer = useQuery({ queryKey: ["impact", id], queryFn: () => impact(id) });
  if (root.isPending) return <Loading />;
  if (root.isError) return <QueryError error={root.error} />;
  if (!root.data) return <NotFoundPage />;
  return (
    <div className="impact-page" data-testid="impact-page">
      <EntityHeader entity={root.data} />
      {answer.isPending && <Loading what="Finding everything downstream" />}
      {answer.isError && <QueryError error={answer.error} />}
      {answer.data && <ImpactView root={root.data} impact={answer.data} />}
    </div>
  );
}

export function impactCsv(impact: Impact): string {
  return toCsv(
    ["id", "type", "name", "qualifiedName", "distance", "owners", "restricted"],
    impact.entities.map((n) => [
      n.restricted ? "" : n.id,
      n.type,
      n.entity?.name ?? "",
      n.entity?.qualifiedName ?? "",
      n.distance,
      n.entity?.owners ?? [],
      n.restricted,
    ]),
  );
}

function ImpactView({ root, impact }: { root: Entity; impact: Impact }) {
  return (
    <>
      {impact.truncated && (
        <div className="banner banner-info" role="status" data-testid="impact-truncated">
          More than 10,000 entities are downstream: the nearest {impact.entities.length} are listed.
        </div>
      )}
      <div className="summary-row">
        <div className="stat">
          <span className="stat-value" data-testid="impact-total">
            {impact.total}
          </span>
          <span className="stat-label">entities downstream</span>
        </div>
        <div className="stat">
          <span className="stat-value">{impact.deployments.length}</span>
          <span className="stat-label">deployments affected</span>
        </div>
        <div className="stat">
          <span className="stat-value">{impact.owners.length}</span>
          <span className="stat-label">owners to tell</span>
        </div>
        <button
          type="button"
          className="button"
          data-testid="impact-export-csv"
          onClick={() => downloadText(`impact-${root.id}.csv`, impactCsv(impact), "text/csv;charset=utf-8")}
        >
          Export CSV
        </button>
      </div>
      <div className="grid-3">
        <Section title="By type">
          <table className="table">
            <tbody>
              {impact.byType.map((t) => (
                <tr key={t.type} data-testid={`impact-type-${t.type}`}>
                  <td>{typeLabel(t.type)}</td>
                  <td className="num">{t.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section title="Owners to tell" testId="impact-owners">
          {impact.owners.length ? (
            <ul className="plain-list">
              {impact.owners.map((o) => (
                <li key={o}>{o}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">None</p>
          )}
        </Section>
        <Section title="Deployments affected" testId="impact-deployments">
          {impact.deployments.length ? (
            <ul className="plain-list">
              {impact.deployments.map((d) => (
                <li key={d.id}>{d.entity ? <EntityLink entity={d.entity} /> : <span className="muted">restricted deployment</span>}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">None</p>
          )}
        </Section>
      </div>
      <Section title={`Everything downstream (${impact.entities.length})`}>
        <VirtualEntityTable nodes={impact.entities} />
      </Section>
    </>
  );
}

const ROW = 36;

function VirtualEntityTable({ nodes }: { nodes: LineageNode[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: nodes.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10 });
  return (
    <div className="vtable">
      <div className="vtable-head">
        <span>Name</span>
        <span>Type</span>
        <span>Hops</span>
        <span>Owners</span>
      </div>
      <div ref={scroller} className="vtable-body" style={{ height: Math.min(480, nodes.length * ROW + 2) }}>
        <div style={{ height: rows.getTotalSize(), position: "relative" }}>
          {rows.getVirtualItems().map((item) => {
            const n = nodes[item.index];
            return (
              <div key={item.key} className="vtable-row" style={{ transform: `translateY(${item.start}px)`, height: ROW }}>
                <span>{n.entity ? <EntityLink entity={n.entity} /> : <span className="muted">restricted</span>}</span>
                <span>
                  <TypeChip type={n.type} />
                </span>
                <span className="num">{n.distance}</span>
                <span className="muted">{n.entity?.owners.join(", ")}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
